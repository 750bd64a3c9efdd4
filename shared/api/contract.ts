import type { z } from 'zod';
import { coreContract } from './contracts/core';
import { importsContract } from './contracts/imports';
import { experimentsContract } from './contracts/experiments';
import { monitoringContract } from './contracts/monitoring';
import { receiverContract } from './contracts/receiver';
import { relayContract } from './contracts/relay';
import { sendTimeContract } from './contracts/sendTime';
import { segmentsContract } from './contracts/segments';
import { sendTimeAudienceContract } from './contracts/sendTimeAudience';
import { syncContract } from './contracts/sync';
import type { ContractEntries } from './contracts/types';

/**
 * The one API of Relais. Each entry is `domain:verb` with the zod schemas of its
 * input and output; each domain keeps its entries in `contracts/<domain>.ts` and
 * is spread in here. The Electron IPC adapter and the browser shell both dispatch
 * through the handler table typed by this object; the renderer calls it through
 * one client interface. Adding a capability = a contract module + a handler
 * module + a page.
 */
export const contract = {
  ...coreContract,
  ...importsContract,
  ...experimentsContract,
  ...monitoringContract,
  ...relayContract,
  ...receiverContract,
  ...sendTimeContract,
  ...segmentsContract,
  ...sendTimeAudienceContract,
  ...syncContract,
} as const satisfies ContractEntries;


export type Contract = typeof contract;
export type Method = keyof Contract;
/** What a caller passes (before defaults and transforms). */
export type Input<M extends Method> = z.input<Contract[M]['input']>;
/** What a handler receives (after validation). */
export type ParsedInput<M extends Method> = z.output<Contract[M]['input']>;
export type Output<M extends Method> = z.output<Contract[M]['output']>;

export const methods = Object.keys(contract) as Method[];

export function isMethod(name: unknown): name is Method {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name);
}
