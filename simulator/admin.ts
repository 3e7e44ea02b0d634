import type { SimulatorCore } from './core.ts';
import { renderAccount, renderTransaction } from './core.ts';
import { bankDate, isIsoDate } from './dates.ts';
import { renderFault } from './faults.ts';
import { isRecord, type Reply } from './http.ts';
import { parseAmountToMinor } from './money.ts';
import { renderPayment } from './payments.ts';
import { bookTransaction, createCustomer } from './spending.ts';
import { availableBalanceMinor, bookedBalanceMinor, findTransaction } from './state.ts';
import { transactionFromBody } from './transactions.ts';

/** The loopback-only admin API (DESIGN §6) that tests and demos use to drive the simulated bank. */

export interface AdminRequest {
  method: string;
  path: string;
  body: Buffer;
}

function error(status: number, message: string): Reply {
  return { status, json: { error: message } };
}

function parseBody(body: Buffer): unknown {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function listAccounts(core: SimulatorCore): Reply {
  const accounts = Object.values(core.state.accounts).map((account) => ({
    ...renderAccount(account, true),
    customer_id: account.customerId,
    available_minor: availableBalanceMinor(account),
    booked_minor: bookedBalanceMinor(account),
  }));
  return { status: 200, json: { accounts } };
}

function listCustomers(core: SimulatorCore): Reply {
  const customers = Object.values(core.state.customers).map((customer) => ({
    customer_id: customer.id,
    country: customer.country,
    created_at: customer.createdAt,
    account_ids: customer.accountIds,
    live: core.state.liveCustomerIds.includes(customer.id),
  }));
  return { status: 200, json: { customers } };
}

const CLOCK_UNITS: Record<string, number> = {
  advance_ms: 1,
  advance_seconds: 1_000,
  advance_minutes: 60_000,
  advance_hours: 3_600_000,
  advance_days: 86_400_000,
};

export function handleAdmin(core: SimulatorCore, request: AdminRequest): Reply {
  const { method, path } = request;
  const body = parseBody(request.body);
  if (body === undefined) return error(400, 'body must be JSON');
  const now = core.now();
  const segments = path
    .split('/')
    .filter((segment) => segment.length > 0)
    .slice(1);
  const [resource, id, action] = segments;

  if (resource === 'accounts' && segments.length === 1 && method === 'GET') return listAccounts(core);
  if (
    resource === 'accounts' &&
    id &&
    action === 'transactions' &&
    segments.length === 3 &&
    method === 'POST'
  ) {
    const account = core.state.accounts[decodeURIComponent(id)];
    if (!account) return error(404, 'account not found');
    const transaction = transactionFromBody(core.state, account, body, now);
    if ('path' in transaction) return error(400, `${transaction.path}: ${transaction.description}`);
    account.transactions.push(transaction);
    core.changed();
    return { status: 201, json: renderTransaction(transaction) };
  }
  if (resource === 'transactions' && id && action === 'book' && segments.length === 3 && method === 'POST') {
    const found = findTransaction(core.state, decodeURIComponent(id));
    if (!found) return error(404, 'transaction not found');
    if (found.transaction.status !== 'reserved')
      return error(409, 'only a reserved transaction can be booked');
    if (!isRecord(body)) return error(400, 'body must be a JSON object');
    let amountMinor: number | undefined;
    if (body.amount !== undefined) {
      amountMinor = parseAmountToMinor(body.amount);
      if (amountMinor === undefined) return error(400, 'amount must be a decimal amount such as "-47.50"');
    }
    if (
      body.booking_date !== undefined &&
      (typeof body.booking_date !== 'string' || !isIsoDate(body.booking_date))
    ) {
      return error(400, 'booking_date must be an ISO date');
    }
    if (body.transaction_id !== undefined) {
      if (typeof body.transaction_id !== 'string' || body.transaction_id.length === 0)
        return error(400, 'transaction_id must be a string');
      if (findTransaction(core.state, body.transaction_id))
        return error(409, 'transaction_id already exists');
    }
    const booked = bookTransaction(core.state, found.account, found.transaction, {
      bookingDate: typeof body.booking_date === 'string' ? body.booking_date : bankDate(now),
      ...(amountMinor !== undefined ? { amountMinor } : {}),
      ...(typeof body.transaction_id === 'string' ? { newId: body.transaction_id } : {}),
    });
    core.changed();
    return {
      status: 200,
      json: { ...renderTransaction(booked), replaced_transaction_id: found.transaction.id },
    };
  }
  if (resource === 'payments' && segments.length === 1 && method === 'GET') {
    const counts = core.state.paymentCreateRequests;
    const payments = Object.values(core.state.payments)
      .sort((left, right) => left.entryDateTime.localeCompare(right.entryDateTime))
      .map((payment) => ({
        ...renderPayment(payment),
        create_requests: payment.externalId === undefined ? 1 : (counts[payment.externalId] ?? 0),
      }));
    return { status: 200, json: { payments, create_requests_by_external_id: counts } };
  }
  if (resource === 'faults' && segments.length === 1) {
    if (method === 'GET') return { status: 200, json: { faults: core.faults.list().map(renderFault) } };
    if (method === 'DELETE') {
      core.faults.clear();
      return { status: 204 };
    }
    if (method === 'POST') {
      const inputs = isRecord(body) && Array.isArray(body.faults) ? body.faults : [body];
      const added = [];
      for (const input of inputs) {
        if (!isRecord(input)) return error(400, 'each fault must be an object');
        const rule = core.faults.add(input);
        if (typeof rule === 'string') return error(400, rule);
        added.push(renderFault(rule));
      }
      return { status: 201, json: { faults: added } };
    }
  }
  if (resource === 'clock' && segments.length === 1) {
    if (method === 'POST') {
      if (!isRecord(body)) return error(400, 'body must be a JSON object');
      if (body.set !== undefined) {
        const target = typeof body.set === 'string' ? Date.parse(body.set) : Number.NaN;
        if (Number.isNaN(target)) return error(400, 'set must be an ISO instant');
        core.state.clockOffsetMs += target - now.getTime();
      }
      for (const [name, unit] of Object.entries(CLOCK_UNITS)) {
        if (body[name] === undefined) continue;
        const amount = Number(body[name]);
        if (!Number.isFinite(amount) || amount < 0)
          return error(400, `${name} must be a non-negative number (time only moves forward)`);
        core.state.clockOffsetMs += amount * unit;
      }
      core.changed();
    } else if (method !== 'GET') {
      return error(405, 'use GET or POST');
    }
    return { status: 200, json: { now: core.now().toISOString(), offset_ms: core.state.clockOffsetMs } };
  }
  if (resource === 'customers' && segments.length === 1) {
    if (method === 'GET') return listCustomers(core);
    if (method === 'POST') {
      if (!isRecord(body)) return error(400, 'body must be a JSON object');
      const customerId =
        typeof body.customer_id === 'string' && body.customer_id.length > 0 ? body.customer_id : undefined;
      if (customerId && core.state.customers[customerId]) return error(409, 'customer already exists');
      const country = typeof body.country === 'string' ? body.country : 'DK';
      if (!['DK', 'SE', 'NO', 'FI'].includes(country)) return error(400, 'country must be DK, SE, NO or FI');
      const historyDays = body.history_days === undefined ? undefined : Number(body.history_days);
      if (
        historyDays !== undefined &&
        !(Number.isInteger(historyDays) && historyDays >= 0 && historyDays <= 730)
      ) {
        return error(400, 'history_days must be an integer from 0 to 730');
      }
      const customer = createCustomer(core.state, {
        country,
        now: now.getTime(),
        ...(customerId ? { customerId } : {}),
        ...(historyDays !== undefined ? { historyDays } : {}),
      });
      if (body.live === true) core.state.liveCustomerIds.push(customer.id);
      core.changed();
      return {
        status: 201,
        json: {
          customer_id: customer.id,
          accounts: customer.accountIds
            .map((accountId) => core.state.accounts[accountId])
            .filter((account) => account !== undefined)
            .map((account) => renderAccount(account, true)),
        },
      };
    }
  }
  if (resource === 'live-customers' && segments.length === 1) {
    if (method === 'PUT') {
      const ids = isRecord(body) && Array.isArray(body.customer_ids) ? body.customer_ids : undefined;
      if (!ids?.every((customerId) => typeof customerId === 'string' && core.state.customers[customerId])) {
        return error(400, 'customer_ids must list existing customers');
      }
      const nowIso = now.toISOString();
      for (const customerId of ids as string[]) {
        const customer = core.state.customers[customerId];
        // A customer joining the feed starts now: no burst of back-filled spending.
        if (customer && !core.state.liveCustomerIds.includes(customerId) && !customer.generatedUntil)
          customer.generatedUntil = nowIso;
      }
      core.state.liveCustomerIds = [...new Set(ids as string[])];
      core.changed();
    } else if (method !== 'GET') {
      return error(405, 'use GET or PUT');
    }
    return { status: 200, json: { customer_ids: core.state.liveCustomerIds } };
  }
  return error(404, `no admin route ${method} ${path}`);
}
