/**
 * dynalite in a process of its own, for benchmarks: the table's CPU then is not the measured code's,
 * as with DynamoDB in AWS. Started by startDynamoProcess (dynamo.ts), which it tells its port.
 */
import { startDynamo } from './dynamo.ts';

const running = await startDynamo({ port: 0 });
process.send?.({ port: running.port });
process.on('disconnect', () => process.exit(0));
