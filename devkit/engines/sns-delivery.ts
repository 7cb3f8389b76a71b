// What SNS delivers to an SQS subscriber, for the local readers of subscribed queues. Pure and
// dependency-free, so the CLI's cycle can use it without loading the local deployment (and CDK).
/** A MessageStructure=json document, as the publisher sends it; undefined for a plain message. */
export function structureOf(message: string): Record<string, unknown> | undefined {
  try {
    const document = JSON.parse(message) as Record<string, unknown>;
    return typeof document === 'object' && document !== null && typeof document.default === 'string'
      ? document
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The message an SQS subscriber gets from SNS for a published message: for a MessageStructure=json
 * publish, its `sqs` member (or `default`). The fauxqs emulator delivers the whole structure
 * instead, so every local reader of a subscribed queue (the inbox, the notifiers' event source)
 * goes through here to see what SNS would have delivered.
 */
export function sqsMessageOf(message: string): string {
  const structure = structureOf(message);
  const member = structure?.sqs ?? structure?.default;
  return typeof member === 'string' ? member : message;
}
