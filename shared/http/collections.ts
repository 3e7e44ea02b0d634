import { z } from 'zod';

/** `?cursor=` of list endpoints: opaque, bounded. */
export const listQuerySchema = z.strictObject({ cursor: z.string().min(1).max(512).optional() });

/** `{id}` path parameters: our ids are short and plain. */
export const idPathSchema = z.strictObject({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'an id') });
