import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { saverPresent } from '#bank/transport';
import { clientAddress } from './origin.ts';

/** The saver is at the keyboard: Nordea gets their address and browser (PSD2 saver-present headers). */
export const saverPresentContext = (event: APIGatewayProxyEventV2) =>
  saverPresent(clientAddress(event), event.requestContext.http.userAgent || 'unknown');
