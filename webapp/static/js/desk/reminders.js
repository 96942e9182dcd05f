// The desk's Reminders page: turn reminders on or off for this computer's browser. The page
// explains why first; the browser's permission request comes only from the button.
import { currentSubscription, pushSupport, turnOff, turnOn } from '../reminders.js';

const box = /** @type {HTMLElement} */ (document.getElementById('push-subscribe'));

function button(label, primary) {
  const element = document.createElement('button');
  element.type = 'button';
  element.className = `button${primary ? ' primary' : ''}`;
  element.textContent = label;
  return element;
}

async function draw(message = '') {
  const support = pushSupport();
  const status = document.createElement('p');
  status.setAttribute('role', 'status');
  status.id = 'push-status';
  status.textContent = message;
  const controls = document.createElement('p');
  if (support.ready) {
    const on = Boolean(await currentSubscription());
    const action = button(on ? 'Turn reminders off on this computer' : 'Turn reminders on for this computer', !on);
    action.addEventListener('click', async () => {
      action.disabled = true;
      try {
        if (on) {
          await turnOff();
          await draw('Reminders are off on this computer.');
        } else {
          const answer = await turnOn();
          await draw(answer.on ? 'Reminders are on for this computer. Reload the page to see it in the list.'
            : 'Reminders stay off: the browser was not given permission.');
        }
      } catch (error) {
        action.disabled = false;
        status.textContent = `That did not work: ${/** @type {Error} */ (error).message}`;
      }
    });
    controls.append(action);
  } else if (support.reason === 'denied') {
    controls.textContent = 'Notifications are blocked for Fieldbook in this browser. Allow them in its site settings first.';
  }
  box.querySelector('[data-push-controls]')?.remove();
  const wrapper = document.createElement('div');
  wrapper.dataset.pushControls = '';
  wrapper.append(controls, status);
  box.append(wrapper);
}

if (box) draw();
