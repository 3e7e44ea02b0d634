// Prints a fresh access-token signing key set (the JSON the token-keys secret holds), for operators:
//   npm run --silent keys:generate > keys.json
//   aws secretsmanager put-secret-value --secret-id sparegris/<stage>/jwt-signing-keys --secret-string file://keys.json
//   rm keys.json
import { generateSigningKeySecret } from '#auth/access-tokens';

process.stdout.write(`${await generateSigningKeySecret()}\n`);
