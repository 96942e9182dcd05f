// Passkeys at the desk (WebAuthn): sign in with one, or add one. The server makes every
// challenge and checks every answer; this module only carries them between the server and
// the browser's authenticator. A button says what to do through data- attributes:
//   data-passkey="sign-in" | "register", data-options="<url>", data-finish="<url>",
//   data-csrf="<token>", data-status="<id of the element that reports progress>";
//   data-name-input="<id of an input naming a new passkey>" (optional).

const toBytes = (base64url) => {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(binary, (ch) => ch.charCodeAt(0)).buffer;
};

const toBase64url = (buffer) => {
  let binary = '';
  for (const byte of new Uint8Array(buffer)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
};

const withIds = (list) => (list || []).map((item) => ({ ...item, id: toBytes(item.id) }));

function creationOptions(options) {
  return {
    ...options,
    challenge: toBytes(options.challenge),
    user: { ...options.user, id: toBytes(options.user.id) },
    excludeCredentials: withIds(options.excludeCredentials),
  };
}

function requestOptions(options) {
  return { ...options, challenge: toBytes(options.challenge), allowCredentials: withIds(options.allowCredentials) };
}

function credentialJSON(credential) {
  const { response } = credential;
  const json = {
    id: credential.id,
    rawId: toBase64url(credential.rawId),
    type: credential.type,
    authenticatorAttachment: credential.authenticatorAttachment || undefined,
    clientExtensionResults: credential.getClientExtensionResults(),
    response: { clientDataJSON: toBase64url(response.clientDataJSON) },
  };
  if (response.attestationObject) {
    json.response.attestationObject = toBase64url(response.attestationObject);
    json.response.transports = response.getTransports ? response.getTransports() : [];
  } else {
    json.response.authenticatorData = toBase64url(response.authenticatorData);
    json.response.signature = toBase64url(response.signature);
    if (response.userHandle) json.response.userHandle = toBase64url(response.userHandle);
  }
  return json;
}

async function post(url, body, csrf) {
  const response = await fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRFToken': csrf },
    body: JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok || !answer.ok) {
    throw new Error((answer.error && answer.error.message) || 'The server could not be reached. Please try again.');
  }
  return answer;
}

async function run(button, say) {
  const { passkey: action, options: optionsUrl, finish, csrf } = button.dataset;
  const { options } = await post(optionsUrl, {}, csrf);
  say(action === 'register' ? 'Follow your browser’s steps to make the passkey…' : 'Use your passkey…');
  let credential;
  try {
    credential = action === 'register'
      ? await navigator.credentials.create({ publicKey: creationOptions(options) })
      : await navigator.credentials.get({ publicKey: requestOptions(options) });
  } catch (error) {
    // NotAllowedError: the person cancelled, or the time ran out. Nothing was sent.
    throw new Error('No passkey was used. You can try again, or use a code instead.');
  }
  const nameInput = button.dataset.nameInput && document.getElementById(button.dataset.nameInput);
  const body = { credential: credentialJSON(credential) };
  if (nameInput) body.name = nameInput.value;
  say('Checking…');
  const { redirect } = await post(finish, body, csrf);
  window.location.assign(redirect);
}

for (const button of document.querySelectorAll('[data-passkey]')) {
  const status = document.getElementById(button.dataset.status);
  const say = (text) => { if (status) status.textContent = text; };
  if (!window.PublicKeyCredential || !navigator.credentials) {
    button.disabled = true;
    say('This browser cannot use passkeys.');
    continue;
  }
  button.hidden = false;
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await run(button, say);
    } catch (error) {
      say(error.message);
      button.disabled = false;
    }
  });
}
