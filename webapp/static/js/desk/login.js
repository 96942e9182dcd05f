// The sign-in page: signing in is a clear wish to be signed in, so a sign-out that the phone
// app still had to finish with the server (see ../sign-out-flag.js) is dropped.
import { SIGN_OUT_PENDING } from '../sign-out-flag.js';

const form = document.querySelector('main form');
if (form) form.addEventListener('submit', () => localStorage.removeItem(SIGN_OUT_PENDING));
