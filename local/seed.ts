import { normalizeEmail } from '#app/auth';
import { auth, savers, secretVault } from '#app/wiring';
import { generateSigningKeySecret } from '#auth/access-tokens';
import { config } from '#config/env';
import { formatMinor } from '#domain/money';
import { seedDemoBank } from './demo.ts';

/** The seeded demo saver; printed by `npm start`. Local data only. */
export const demoLogin = { email: 'demo@sparegris.dk', password: 'pink-piggy-saves-daily' } as const;

/**
 * Makes a fresh local system usable: the access-token signing keys (as an operator sets them in AWS)
 * and the demo saver, created through the same use case as any sign-up. With `demoBank`, the demo
 * saver also gets a linked (simulated) bank, goals, rules and 90 days of paid savings (local/demo.ts).
 * Idempotent.
 */
export async function seedLocalSystem(
  log: (message: string) => void,
  options: { demoBank?: boolean } = {},
): Promise<void> {
  const { JWT_SECRET_ID } = config();
  if ((await secretVault().read(JWT_SECRET_ID, { fresh: true })) === undefined) {
    await secretVault().write(JWT_SECRET_ID, await generateSigningKeySecret());
    log(`created access-token signing keys in ${JWT_SECRET_ID}`);
  }
  const { NORDEA_APP_SECRET_ID } = config();
  if ((await secretVault().read(NORDEA_APP_SECRET_ID, { fresh: true })) === undefined) {
    // The simulator's default registered app (DESIGN section 6).
    const app = { clientId: 'sparegris-local', clientSecret: 'sparegris-local-secret' };
    await secretVault().write(NORDEA_APP_SECRET_ID, JSON.stringify(app));
    log(`created the Nordea app credentials in ${NORDEA_APP_SECRET_ID}`);
  }
  if ((await savers().getLogin(normalizeEmail(demoLogin.email))) === undefined) {
    await (await auth()).signup(demoLogin, '127.0.0.1');
    log(`created the demo saver ${demoLogin.email}`);
  }
  if (options.demoBank) {
    const login = await savers().getLogin(normalizeEmail(demoLogin.email));
    if (!login) throw new Error('the demo saver is missing');
    const started = performance.now();
    const demo = await seedDemoBank(login.saverId, log);
    if (demo) {
      log(
        `gave the demo saver ${demo.goalsCreated} goals, ${demo.rulesCreated} rules and ${demo.transfersPaid} paid transfers (${formatMinor(demo.savedMinor, 'DKK')} saved) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
    }
  }
}
