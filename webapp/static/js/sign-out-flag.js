// Set when the phone was signed out offline: its web session is still open on the server,
// and must be ended before the app may register this phone again (a silent re-registration
// would copy the caseload back onto a phone its practitioner signed out of). Cleared once the
// session is ended (session.js), or by signing in again (desk/login.js). Kept in
// localStorage, not IndexedDB, because it must outlive the wipe of the device's data.
export const SIGN_OUT_PENDING = 'fieldbook-sign-out-pending';
