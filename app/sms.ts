import type { Db } from '../db/knex';
import type { Logger } from './logger';

/**
 * The one way the platform sends SMS. A real gateway is a new implementation of this
 * interface in its own module, chosen at start-up; nothing else changes.
 */
export interface SmsSender {
  /** dedupeKey makes a retried send (an activity retry) go out once. */
  send(phone: string, text: string, dedupeKey?: string): Promise<void>;
}

/** Default sender: keeps every message in the outbox table and logs it. */
export class OutboxSmsSender implements SmsSender {
  constructor(private db: Db, private logger: Logger) {}

  async send(phone: string, text: string, dedupeKey?: string): Promise<void> {
    const rows = await this.db('sms_outbox')
      .insert({ phone, text, dedupe_key: dedupeKey ?? null })
      .onConflict('dedupe_key')
      .ignore()
      .returning('id');
    if (rows.length > 0) this.logger.info('sms', { phone, text });
  }
}
