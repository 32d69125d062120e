import path from 'node:path';
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';
import type { History } from '@temporalio/common/lib/proto-utils';

/**
 * Temporal's JSON history format (what `temporal workflow show -o json` writes and the
 * Web UI downloads), both ways. This is the SDK's own conversion (@temporalio/common's
 * historyToJSON / historyFromJSON) with one difference: protobufjs's protojson is taken
 * from the copy @temporalio/proto was built with. npm installs protobufjs 8 three times
 * here (nested under proto, common and worker, because grpc keeps 7 at the top), and the
 * SDK's helpers then fail their `instanceof Type` check ("type must be a Type").
 */
type ProtoJson = {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options?: { ignoreUnknownFields?: boolean }): unknown;
};

const protoDir = path.dirname(require.resolve('@temporalio/proto/package.json'));
const protojson: ProtoJson = require(require.resolve('protobufjs/ext/protojson', { paths: [protoDir] }));
const historyType = patchProtobufRoot(proto as never as { lookupType(n: string): unknown } & Record<string, unknown>).lookupType('temporal.api.history.v1.History');

export function historyToJson(h: History): string {
  return JSON.stringify(protojson.toJson(historyType, proto.temporal.api.history.v1.History.fromObject(h as never)), null, 2);
}

export function historyFromJson(json: unknown): History {
  if (typeof json !== 'object' || json === null || !Array.isArray((json as { events?: unknown }).events)) {
    throw new TypeError('Invalid history, expected an object with an array of events');
  }
  const h = protojson.fromJson(historyType, json, { ignoreUnknownFields: true });
  if (!h) throw new TypeError('Invalid history');
  return h as History;
}
