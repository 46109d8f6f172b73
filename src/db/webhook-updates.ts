import { randomUUID } from "node:crypto";
import { MongoServerError, type Collection, type Db } from "mongodb";
import { COLLECTIONS } from "./collections.js";

/** What to do with a webhook update: run it, or it was already taken (answered, or still in its owner's hands). */
export type ClaimOutcome = "run" | "answered" | "taken";

interface ClaimDoc {
  /** `<bot id>:<update id>`: update ids are per bot. */
  _id: string;
  instanceId: string;
  claimedAt: Date;
  answered: boolean;
}

/**
 * Which webhook updates a bot process has taken, shared by every process on the database, so
 * that an update Telegram sends again (same update_id) runs once. Telegram re-sends only an
 * update whose call got no 2xx: the claim says whether the first call was answered.
 * - answered: its process said 200 (the update finished or goes on in the background) → skip;
 * - not answered, claimed less than `takeoverMs` ago: its owner is still within its answer time → "taken";
 * - not answered for longer: its process died before answering → this call takes it over and runs it.
 * Claims expire after a day (TTL index; Telegram keeps an update at most 24 hours).
 */
export class WebhookUpdates {
  readonly instanceId = randomUUID();
  private readonly claims: Collection<ClaimDoc>;
  private readonly now: () => Date;

  constructor(
    db: Db,
    private readonly opts: { takeoverMs: number; clock?: () => Date },
  ) {
    this.claims = db.collection<ClaimDoc>(COLLECTIONS.webhookUpdates);
    this.now = opts.clock ?? (() => new Date());
  }

  async claim(botId: number, updateId: number): Promise<ClaimOutcome> {
    const _id = `${botId}:${updateId}`;
    const claimedAt = this.now();
    try {
      await this.claims.insertOne({ _id, instanceId: this.instanceId, claimedAt, answered: false });
      return "run";
    } catch (err) {
      if (!(err instanceof MongoServerError && err.code === 11000)) throw err;
    }
    const held = await this.claims.findOne({ _id });
    if (!held) return this.claim(botId, updateId); // expired in between
    if (held.answered) return "answered";
    if (claimedAt.getTime() - held.claimedAt.getTime() < this.opts.takeoverMs) return "taken";
    // Its process died before answering: take it over, unless another call just did.
    const taken = await this.claims.updateOne(
      { _id, answered: false, claimedAt: held.claimedAt },
      { $set: { instanceId: this.instanceId, claimedAt } },
    );
    return taken.modifiedCount === 1 ? "run" : "taken";
  }

  /** The call for this update was answered 200: a re-send of it is skipped from now on. */
  async answered(botId: number, updateId: number): Promise<void> {
    await this.claims.updateOne({ _id: `${botId}:${updateId}` }, { $set: { answered: true } });
  }
}
