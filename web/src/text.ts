import type { ApiError } from './api/problem.ts';
import type { BankLinkStatus } from './api/types.ts';

/**
 * Every piece of UI text, in one place, so a Danish translation can replace this module whole.
 * Amounts and dates are formatted separately, in the saver's locale.
 */
export const text = {
  appName: 'Sparegris',
  skipToContent: 'Skip to content',
  loading: 'Loading…',
  tryAgain: 'Try again',
  cancel: 'Cancel',

  nav: {
    label: 'Main',
    home: 'Home',
    activity: 'Activity',
    bank: 'Nordea',
    settings: 'Settings',
    logOut: 'Log out',
    loggingOut: 'Logging out…',
  },

  welcome: {
    title: 'Save without thinking about it',
    lead: 'Sparegris moves small amounts from your Nordea account into savings, following rules you choose.',
    points: [
      'Round up every card purchase',
      'Put 20 kr aside for every coffee',
      'Send 10 % of your salary to your goals',
    ],
  },

  auth: {
    email: 'Email',
    password: 'Password',
    showPassword: 'Show',
    hidePassword: 'Hide',
    showPasswordLabel: 'Show password',
    hidePasswordLabel: 'Hide password',
    loginTitle: 'Log in',
    loginSubmit: 'Log in',
    loggingIn: 'Logging in…',
    noAccount: 'New to Sparegris?',
    toSignup: 'Create an account',
    signupTitle: 'Create your account',
    signupSubmit: 'Create account',
    signingUp: 'Creating your account…',
    haveAccount: 'Already saving with us?',
    toLogin: 'Log in',
    passwordRules: 'At least 12 characters. A few unusual words make a strong, memorable password.',
    emailRequired: 'Enter your email address.',
    emailInvalid: 'Enter an email address like name@example.dk.',
    passwordRequired: 'Enter your password.',
    passwordTooShort: 'Use at least 12 characters.',
    sessionEnded: 'Your session has ended. Please log in again.',
    loggedOut: 'You have logged out. See you soon!',
    unreachable: 'We could not reach Sparegris to restore your session. Log in again, or reload in a moment.',
  },

  errors: {
    unreachable: 'We can’t reach Sparegris right now. Check your connection and try again.',
    server: 'Something went wrong on our side. Nothing was changed; please try again.',
    throttled: (seconds: number) =>
      `Too many attempts. Wait ${seconds === 1 ? '1 second' : `${seconds} seconds`} and try again.`,
    waitButton: (seconds: number) => `Try again in ${seconds} s`,
    fixFields: 'Please check the highlighted fields.',
    notFoundTitle: 'Page not found',
    notFoundBody: 'There is nothing here. The page may have moved.',
    backHome: 'Back to home',
  },

  home: {
    title: 'Home',
    greeting: (hour: number) =>
      hour < 5 ? 'Good night' : hour < 10 ? 'Good morning' : hour < 18 ? 'Good afternoon' : 'Good evening',
    hej: 'Hej!',
    signedInAs: (email: string) => `Signed in as ${email}`,
    bankTitle: 'Your Nordea accounts',
    goalsTitle: 'Goals',
    goalsSoonTitle: 'Goals arrive soon',
    goalsSoonBody:
      'Soon you can name what you save for, like a trip to Rome or a new bike, and switch on rules that fill each goal.',
  },

  onboarding: {
    title: 'Get started',
    steps: [
      'Link your Nordea account',
      'Choose your spending and savings accounts',
      'Set a goal and pick rules',
    ],
    stepSoon: 'soon',
    cta: 'Link your Nordea account',
  },

  bank: {
    linkTitle: 'Link your Nordea account',
    linkLead: 'Sparegris needs your permission at Nordea before it can save for you.',
    whatHappensTitle: 'What linking does',
    whatHappens: [
      'You log in at Nordea, not here. We never see your bank password.',
      'Sparegris can read your balances and transactions, to run your rules.',
      'Money only moves between your own accounts, only when your rules say so.',
      'Access lasts 90 days. You can unlink at any time in Settings.',
    ],
    nextTitle: 'What happens next',
    nextSteps: [
      'Nordea asks you to log in and approve access for Sparegris.',
      'You come straight back here.',
      'You choose the account to save from and the account to save to.',
    ],
    linkButton: 'Link Nordea',
    renewButton: 'Renew access at Nordea',
    linkAgainButton: 'Link Nordea again',
    opening: 'Opening Nordea…',
    alreadyLinked: 'Nordea is linked.',
    alreadyLinkedBody: 'You can choose other accounts, or renew your access at Nordea.',
    outcome: {
      linked: 'Nordea is linked. Now choose which accounts Sparegris uses.',
      expired: 'The link to Nordea took too long and expired. Please try again.',
      declined:
        'Linking was cancelled at Nordea, so nothing was shared. You can try again when you are ready.',
      error: 'Something went wrong while linking Nordea. Please try again.',
    } as Record<string, string>,
    status: {
      unlinked: 'Not linked',
      linked: 'Linked',
      'needs-consent': 'Access expired',
      revoked: 'Access withdrawn',
    } satisfies Record<BankLinkStatus, string>,
    needsConsent:
      'Your access to Nordea has expired, so Sparegris cannot save for you. Renew it to carry on.',
    revoked: 'Access to your Nordea account was withdrawn. Link it again to carry on saving.',
    consentUntil: (date: string) => `Access valid until ${date}`,
    spending: 'Spending',
    savings: 'Savings',
    available: 'Available',
    accountTypes: { current: 'Current account', savings: 'Savings account' },
    notChosen: 'Choose which accounts Sparegris saves from and to.',
    chooseAccountsLink: 'Choose accounts',
    changeAccountsLink: 'Change accounts',
    chooseTitle: 'Choose your accounts',
    chooseLead: 'Sparegris moves money from your spending account to your savings account.',
    sourceLegend: 'Spending account',
    sourceHint: 'Savings are taken from here.',
    savingsLegend: 'Savings account',
    savingsHint: 'Your savings go here.',
    sameAccount: 'Choose a different account than the spending account.',
    pickOne: 'Choose an account.',
    save: 'Save accounts',
    saving: 'Saving…',
    saved: 'Your accounts are saved.',
    noAccounts: 'Nordea shared no accounts Sparegris can use. Link again and allow at least two accounts.',
    unlinkedChoose: 'Link Nordea first, then choose your accounts.',
    unlink: 'Unlink Nordea',
    unlinking: 'Unlinking…',
    unlinkTitle: 'Unlink Nordea?',
    unlinkBody:
      'Sparegris withdraws its access at Nordea and forgets your accounts. Nothing more will be saved until you link again.',
    unlinkConfirm: 'Yes, unlink',
    unlinked: 'Nordea is unlinked. Your access at Nordea has been withdrawn.',
  },

  activity: {
    title: 'Activity',
    lead: 'Every save Sparegris made or skipped, and why.',
    savesTitle: 'Saves',
    empty: 'No saves yet — they appear after your bank is read.',
    emptyHint: 'Use “Sync now” on the home page to read your bank right away.',
    loadMore: 'Load more',
    loadingMore: 'Loading more…',
    today: 'Today',
    yesterday: 'Yesterday',
    wouldHaveSaved: 'Would have saved',
    skippedBecause: 'Skipped:',
    entryStatus: {
      pending: 'Waiting for transfer',
      transferring: 'On its way',
      saved: 'Saved',
      skipped: 'Skipped',
      failed: 'Not saved',
      cancelled: 'Cancelled',
    } as Record<string, string>,
    skipReasons: {
      'saver-paused': 'Saving was paused.',
      'rule-paused': 'This rule was paused.',
      'goal-missing': 'The goal no longer exists.',
      'goal-archived': 'The goal is archived.',
      'goal-reached': 'The goal was already reached.',
      'goal-currency': 'The goal is in another currency.',
      'cap-day': 'The rule’s daily limit was reached.',
      'cap-week': 'The rule’s weekly limit was reached.',
      'cap-month': 'The rule’s monthly limit was reached.',
      'monthly-budget': 'Your monthly savings limit was reached.',
      'balance-floor': 'Your spending account would have dropped below your balance floor.',
    } as Record<string, string>,
    skipReasonUnknown: 'A limit or setting stopped this save.',
  },

  transfers: {
    title: 'Transfers',
    lead: 'Your saves move to your savings account in one transfer at a time.',
    empty: 'No transfers yet. Saves are collected until they reach your minimum transfer.',
    loadMore: 'Show more transfers',
    status: {
      planned: 'Planned, not sent yet',
      submitting: 'Sending to your bank',
      submitted: 'With your bank',
      awaiting_confirmation: 'Waiting for your approval',
      paid: 'Paid into savings',
      rejected: 'Rejected by your bank',
      expired: 'Expired, not approved in time',
      cancelled: 'Cancelled',
      unknown: 'Checking with your bank',
    } as Record<string, string>,
    amount: 'Amount',
    created: (date: string) => `Created ${date}`,
    saves: (count: number) => (count === 1 ? '1 save' : `${count} saves`),
    approve: 'Approve at your bank',
    approveBy: (date: string) => `Approve by ${date}, or the transfer expires.`,
    approveInBank: 'Open your bank’s app to approve this transfer.',
    cancel: 'Cancel transfer',
    cancelTitle: 'Cancel this transfer?',
    cancelBody: (amount: string) =>
      `${amount} stays in your spending account, and the saves in this transfer are cancelled.`,
    cancelConfirm: 'Yes, cancel it',
    cancelling: 'Cancelling…',
    cancelled: 'The transfer is cancelled.',
    failure: 'Why:',
  },

  notifications: {
    button: 'Notifications',
    unread: (count: number) =>
      count === 0
        ? 'No unread notifications'
        : count === 1
          ? '1 unread notification'
          : `${count} unread notifications`,
    buttonLabel: (count: number) => (count === 0 ? 'Notifications' : `Notifications, ${count} unread`),
    title: 'Notifications',
    markAllRead: 'Mark all read',
    markRead: 'Mark read',
    empty: 'Nothing new. We tell you here when money moves or something needs you.',
    close: 'Close',
    loadMore: 'Show older',
    newLabel: 'New',
  },

  sync: {
    button: 'Sync now',
    syncing: 'Reading your bank…',
    hint: 'Sparegris reads your bank a few times a day. Sync now to see new saves straight away.',
    newSaves: (count: number) => (count === 1 ? '1 new save.' : `${count} new saves.`),
    transferPlanned: 'A transfer to your savings account is on its way.',
    nothingNew: 'You are up to date: no new saves.',
    needsConsent: 'Your bank connection needs renewing.',
    noAccounts: 'Choose your spending and savings accounts first.',
    readBudgetSpent: 'Your bank has been read as often as it allows today. Try again tomorrow.',
    done: 'Your bank has been read.',
    seeActivity: 'See activity',
  },

  goals: {
    saved: (saved: string, target: string) => `${saved} of ${target}`,
    reached: 'Reached',
    progress: (name: string) => `${name} progress`,
  },

  settings: {
    title: 'Settings',
    savingTitle: 'How Sparegris saves',
    readOnlyNote: 'You will be able to change these here soon.',
    balanceFloor: 'Balance floor',
    balanceFloorHint: 'Never save if your spending account would drop below this.',
    monthlyBudget: 'Monthly limit',
    noMonthlyBudget: 'No limit',
    minimumTransfer: 'Minimum transfer',
    minimumTransferHint: 'Small saves wait until they add up to this.',
    status: 'Saving',
    paused: 'Paused',
    active: 'Active',
    timeZone: 'Time zone',
    bankTitle: 'Bank connection',
    accountTitle: 'Your account',
  },
};

/** One friendly sentence for any failure; field-level reasons are shown next to their fields. */
export function errorMessage(error: unknown): string {
  if (typeof error !== 'object' || error === null || !('status' in error)) return text.errors.server;
  const problem = error as ApiError;
  if (problem.status === 0) return text.errors.unreachable;
  if (problem.status === 429) return text.errors.throttled(problem.retryAfterSeconds ?? 60);
  if (problem.status >= 500) return text.errors.server;
  return problem.detail ?? problem.title;
}
