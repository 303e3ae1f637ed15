/** A browser's Web Push subscription (W3C Push API `PushSubscription.toJSON()`). */
export interface PushSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface PushOptions {
  /** RFC 8030 §5.2: how long the push service keeps the message for an offline device. */
  ttlSeconds: number;
  /** RFC 8030 §5.3. */
  urgency: 'very-low' | 'low' | 'normal' | 'high';
  /** RFC 8030 §5.4: a newer message with the same topic replaces an undelivered older one. */
  topic?: string;
}

/** A failed push: `gone` when the subscription no longer exists (404/410), `permanent` when retrying cannot help. */
export class PushDeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly gone: boolean,
    readonly statusCode?: number,
  ) {
    super(message);
    this.name = 'PushDeliveryError';
  }
}

/**
 * Delivers an encrypted message to one device through its push service.
 * - `send` resolves when the push service accepted the message (RFC 8030 §5: 201);
 * - the payload is encrypted for the subscription (RFC 8291, aes128gcm) and the request is signed
 *   with the application's VAPID key (RFC 8292), whose public half clients subscribe with;
 * - it rejects with PushDeliveryError: `gone` for 404/410 (drop the device), `permanent` for other 4xx
 *   but 429, otherwise temporary.
 */
export interface PushTransport {
  readonly applicationServerKey: string;
  send(subscription: PushSubscription, payload: string, options: PushOptions): Promise<void>;
}
