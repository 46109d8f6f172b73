import type { Db } from "mongodb";
import type { Services } from "./app.js";
import type { Events } from "./events.js";
import { DriveScheduler, type Notify } from "./jobs/index.js";

/*
 * Kept apart from app.ts so that the admin CLI and the benchmark, which build the services but
 * run no schedules, do not load Agenda.
 */

export interface SchedulerSettings {
  /** SCHEDULER_POLL_SECONDS in ms. */
  pollMs: number;
  /** DRIVE_RETRY_BASE_SECONDS in ms. */
  retryBaseMs: number;
  /** DEFAULT_TIMEZONE. */
  defaultTimezone: string;
}

/**
 * Scheduled Drive backups on the bot's own database (Agenda shares its connection). `notify` is
 * the bot's: the scheduler only says which notice, the bot words it in the user's language.
 */
export function createScheduler(services: Services, deps: { db: Db; events: Events; notify: Notify; settings: SchedulerSettings }): DriveScheduler {
  return new DriveScheduler({
    db: deps.db,
    events: deps.events,
    runner: services.scheduledWork.runner,
    checker: services.scheduledWork.checker,
    notify: deps.notify,
    ...deps.settings,
  });
}
