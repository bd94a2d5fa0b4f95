import { createHash } from 'node:crypto';
import * as z from 'zod';

/** A message attribute as SQS's JSON protocol carries it; `BinaryValue` is base64. */
export const MessageAttributeValueSchema = z
  .object({
    DataType: z.string().regex(/^(String|Number|Binary)(\.[\w.-]{1,200})?$/, 'String, Number or Binary'),
    StringValue: z.string().optional(),
    BinaryValue: z.string().optional(),
  })
  .refine(
    (value) => (value.DataType.startsWith('Binary') ? value.BinaryValue : value.StringValue) !== undefined,
    {
      message: 'a String or Number attribute needs StringValue, a Binary one BinaryValue',
    },
  );
export type MessageAttributeValue = z.infer<typeof MessageAttributeValueSchema>;

export const MessageAttributesSchema = z
  .record(z.string().regex(/^[\w.-]{1,256}$/), MessageAttributeValueSchema)
  .refine((attributes) => Object.keys(attributes).length <= 10, 'at most 10 message attributes');
export type MessageAttributes = z.infer<typeof MessageAttributesSchema>;

const lengthPrefixed = (bytes: Buffer): Buffer => {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
};

/**
 * `MD5OfMessageAttributes` as SQS computes it: attributes sorted by name, each as
 * length-prefixed name, length-prefixed data type, a transport byte (1 string, 2 binary) and the
 * length-prefixed value. `undefined` when there are none, as SQS leaves the field out.
 */
export const md5OfMessageAttributes = (attributes: MessageAttributes): string | undefined => {
  const names = Object.keys(attributes).sort();
  if (names.length === 0) return undefined;
  const hash = createHash('md5');
  for (const name of names) {
    const value = attributes[name];
    if (value === undefined) continue;
    const binary = value.DataType.startsWith('Binary');
    hash.update(lengthPrefixed(Buffer.from(name, 'utf8')));
    hash.update(lengthPrefixed(Buffer.from(value.DataType, 'utf8')));
    hash.update(Buffer.from([binary ? 2 : 1]));
    hash.update(
      lengthPrefixed(
        binary
          ? Buffer.from(value.BinaryValue ?? '', 'base64')
          : Buffer.from(value.StringValue ?? '', 'utf8'),
      ),
    );
  }
  return hash.digest('hex');
};

/** The same attributes as a Lambda SQS event spells them (camelCase, with the unused list fields). */
export const lambdaMessageAttributes = (attributes: MessageAttributes) =>
  Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [
      name,
      {
        ...(value.StringValue === undefined ? {} : { stringValue: value.StringValue }),
        ...(value.BinaryValue === undefined ? {} : { binaryValue: value.BinaryValue }),
        stringListValues: [],
        binaryListValues: [],
        dataType: value.DataType,
      },
    ]),
  );

/** Only the attributes a receive asked for: `All`, `.*`, a name, or a `prefix.*`. */
export const selectMessageAttributes = (
  attributes: MessageAttributes,
  requested: readonly string[],
): MessageAttributes =>
  Object.fromEntries(
    Object.entries(attributes).filter(([name]) =>
      requested.some(
        (pattern) =>
          pattern === 'All' ||
          pattern === '.*' ||
          pattern === name ||
          (pattern.endsWith('.*') && name.startsWith(pattern.slice(0, -1))),
      ),
    ),
  );
