/** The API's shapes, as DESIGN.md section 6 and the README define them. */

export interface SaverSettings {
  email: string;
  balanceFloorMinor: number;
  /** null: no global monthly limit. */
  monthlyBudgetMinor: number | null;
  minimumTransferMinor: number;
  paused: boolean;
  timeZone: string;
  locale: string;
  currency: string;
}

export interface BankAccount {
  id: string;
  name: string;
  type: 'current' | 'savings';
  currency: string;
  /** As the bank shows it to its owner (IBAN or BBAN). */
  number: string;
  availableMinor: number;
  bookedMinor: number;
}

export type BankLinkStatus = 'unlinked' | 'linked' | 'needs-consent' | 'revoked';

export interface BankConnection {
  status: BankLinkStatus;
  consentExpiresAt: string | null;
  accounts: BankAccount[];
  sourceAccountId: string | null;
  savingsAccountId: string | null;
}

export interface SessionGrant {
  accessToken: string;
  /** Seconds. */
  expiresIn: number;
}
