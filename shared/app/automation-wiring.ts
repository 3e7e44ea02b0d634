import { randomUUID } from 'node:crypto';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { NordeaClient } from '#bank/client';
import type { BankConnection } from '#bank/connection';
import { config } from '#config/env';
import { tracer } from '#observability/powertools';
import type { AutomationStore, SyncState } from '#store/automation-records';
import { DynamoAutomationStore } from '#store/automation-store';
import { BankRepository } from '#store/bank-repository';
import { dynamoDocumentClient } from '#store/client';
import { bankConnectionFor } from './bank-session.ts';
import { createSchedules } from './schedules.ts';
import { createSync, type SaverData } from './sync.ts';
import { createTransfers } from './transfers.ts';
import { collections, nordea, savers, secretVault } from './wiring.ts';

/** The automation's composition root: sync, transfers and the scheduled jobs over AWS adapters. */

let sqsClient: SQSClient | undefined;
const sqs = (): SQSClient => {
  sqsClient ??= tracer.captureAWSv3Client(new SQSClient({}));
  return sqsClient;
};

async function sendAll(queueUrl: string | undefined, bodies: readonly object[]): Promise<void> {
  if (!queueUrl) throw new Error('This function has no queue to send to (queue URL not configured)');
  for (let start = 0; start < bodies.length; start += 10) {
    const batch = bodies.slice(start, start + 10);
    const { Failed: failed = [] } = await sqs().send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: batch.map((body, index) => ({ Id: String(index), MessageBody: JSON.stringify(body) })),
      }),
    );
    if (failed.length > 0) throw new Error(`${failed.length} messages could not be queued`);
  }
}

/** One connection per consent per process, so concurrent work shares one token refresh. */
const connections = new Map<string, BankConnection>();

/**
 * Seams for tests that inject faults between the steps (a store that fails after a write, a bank
 * client that asks the simulator for a scenario, a moved clock); production passes none.
 */
export interface AutomationOverrides {
  store?: (store: AutomationStore) => AutomationStore;
  client?: (client: NordeaClient) => NordeaClient;
  now?: () => Date;
  sleep?: (milliseconds: number) => Promise<void>;
  executeLater?: (saverId: string, transferId: string) => Promise<void>;
}

export function automation(overrides: AutomationOverrides = {}) {
  const { TABLE_NAME, WEB_ORIGIN, SYNC_QUEUE_URL, TRANSFER_QUEUE_URL } = config();
  const client = dynamoDocumentClient();
  const dynamoStore = new DynamoAutomationStore(client, TABLE_NAME);
  const store = overrides.store ? overrides.store(dynamoStore) : dynamoStore;
  const bank = new BankRepository(client, TABLE_NAME);
  const bankClient = async (): Promise<NordeaClient> => {
    const nordeaClient = await nordea();
    return overrides.client ? overrides.client(nordeaClient) : nordeaClient;
  };
  const { goals, rules, habits, habitLogs } = collections();
  const now = overrides.now ?? (() => new Date());

  // Overridden wiring (tests) gets its own connections, so its client and clock are the ones used.
  const cache = Object.keys(overrides).length === 0 ? connections : new Map<string, BankConnection>();
  const connectionFor = (state: SyncState): BankConnection => {
    let connection = cache.get(state.tokenSecretId);
    if (!connection) {
      connection = bankConnectionFor(
        {
          refreshTokens: async (...args) => (await bankClient()).refreshTokens(...args),
          revokeToken: async (...args) => (await bankClient()).revokeToken(...args),
        },
        secretVault(),
        state.tokenSecretId,
        now,
      );
      cache.set(state.tokenSecretId, connection);
    }
    return connection;
  };
  const saverData = async (saverId: string): Promise<SaverData | undefined> => {
    const profile = await savers().getProfile(saverId);
    if (!profile) return undefined;
    const [allRules, allGoals, allHabits, allLogs] = await Promise.all([
      rules.all(saverId),
      goals.all(saverId),
      habits.all(saverId),
      habitLogs.all(saverId),
    ]);
    return {
      settings: profile.settings,
      rules: allRules,
      goals: allGoals,
      habits: allHabits.map(({ id, name, emoji }) => ({ id, name, emoji })),
      habitActions: allLogs,
    };
  };
  const executeLater =
    overrides.executeLater ??
    ((saverId: string, transferId: string) => sendAll(TRANSFER_QUEUE_URL, [{ saverId, transferId }]));

  const sync = createSync({
    store,
    bank,
    saverData,
    client: bankClient,
    connectionFor,
    executeLater,
    now,
    newOwner: randomUUID,
  });
  const transfers = createTransfers({
    store,
    bank,
    settingsOf: async (saverId) => (await savers().getProfile(saverId))?.settings,
    client: bankClient,
    connectionFor,
    executeLater,
    sleep: overrides.sleep ?? ((milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds))),
    now,
    webOrigin: WEB_ORIGIN,
  });
  const schedules = createSchedules({
    store,
    sync,
    transfers,
    enqueueSyncs: (saverIds) =>
      sendAll(
        SYNC_QUEUE_URL,
        saverIds.map((saverId) => ({ saverId })),
      ),
    now,
  });
  return { store, sync, transfers, schedules };
}
