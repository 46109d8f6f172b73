/** Scheduled Drive backups: what the composition root and the bot use. */
export { DriveScheduler, JOBS_COLLECTION, type SchedulerOptions } from "./scheduler.js";
export { ScheduleService, type ScheduleView } from "./schedule-service.js";
export { ScheduleError, FREQUENCIES, type Frequency, type ScheduleChoice } from "./schedule-rules.js";
export { isTimeZone } from "./time-zones.js";
export {
  JOB,
  classifyFailure,
  type BackupRunner,
  type ClassifyFailure,
  type FailureInfo,
  type LastResult,
  type Notify,
  type RunOptions,
  type RunOutcome,
  type ScheduleNotice,
  type SelfChecker,
  type SelfCheckProblem,
  type SelfCheckResult,
  type StorageSizes,
} from "./job-types.js";
