// Why: the EC2 Query protocol answers in XML; this writes it by hand (no dependency) from the
// shape specs, with EC2's envelopes for success and for errors.
import { types } from 'node:util';
import type { Shape, StructureShape } from './shapes';
import { isoTimestamp } from './task-types';

/** EC2's XML namespace for API version 2016-11-15. */
export const EC2_XMLNS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** Escapes text for an XML element body or attribute. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"'\r]/g, (char) => {
    switch (char) {
      // A raw CR would be normalised away by the reader's XML parser.
      case '\r':
        return '&#13;';
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      default:
        return '&apos;';
    }
  });
}

/** One element with already-serialised content. */
function element(name: string, content: string): string {
  return `<${name}>${content}</${name}>`;
}

/**
 * Serialises a structure's members as EC2 does: each present member under its locationName, in
 * the model's order; lists as `<item>`s; timestamps ISO-8601; blobs base64; absent members omitted.
 */
export function serialiseStructure(value: Record<string, unknown>, shape: StructureShape): string {
  let out = '';
  for (const [member, [xmlName, memberShape]] of Object.entries(shape.members)) {
    const memberValue = value[member];
    if (memberValue === undefined || memberValue === null) continue;
    out += element(xmlName, serialiseValue(memberValue, memberShape));
  }
  return out;
}

function serialiseValue(value: unknown, shape: Shape): string {
  if (typeof shape === 'string') {
    switch (shape) {
      case 'timestamp':
        return escapeXml(isoTimestamp(value) ?? String(value));
      case 'blob':
        return (types.isUint8Array(value) ? Buffer.from(value) : Buffer.from(String(value), 'utf8')).toString(
          'base64',
        );
      case 'boolean':
        return value ? 'true' : 'false';
      default:
        return escapeXml(String(value));
    }
  }
  switch (shape.kind) {
    case 'timeString':
      return escapeXml(String(value));
    case 'list':
      return (value as readonly unknown[])
        .map((item) => element('item', serialiseValue(item, shape.member)))
        .join('');
    case 'structure':
      return serialiseStructure(value as Record<string, unknown>, shape);
  }
}

/**
 * A successful response: `<{Action}Response xmlns=...><requestId/><{listElement}><item/>...`
 * plus `<nextToken>` when another page follows.
 */
export function successResponse(
  action: string,
  requestId: string,
  listElement: string,
  items: readonly string[],
  nextToken: string | undefined,
): string {
  const list = items.map((item) => element('item', item)).join('');
  const token = nextToken === undefined ? '' : element('nextToken', escapeXml(nextToken));
  return (
    `${XML_DECLARATION}<${action}Response xmlns="${EC2_XMLNS}">` +
    `${element('requestId', requestId)}${element(listElement, list)}${token}</${action}Response>`
  );
}

/** EC2's error envelope: `<Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>`. */
export function errorResponse(code: string, message: string, requestId: string): string {
  return (
    `${XML_DECLARATION}<Response><Errors><Error>${element('Code', escapeXml(code))}` +
    `${element('Message', escapeXml(message))}</Error></Errors>${element('RequestID', requestId)}</Response>`
  );
}
