/**
 * Headers between CloudFront and the API, named once for the stacks (which set them) and the
 * middleware (which checks them); shared/http/origin.ts says why they exist.
 */
export const ORIGIN_VERIFY_HEADER = 'x-origin-verify';
/** Set by CloudFront (a viewer-request function) to the viewer's IP, overwriting any sent value. */
export const VIEWER_ADDRESS_HEADER = 'x-viewer-address';
