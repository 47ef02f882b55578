// Drafts of forms marked data-draft (the conversation forms): nothing typed is lost.
//
// While typing, what is in the form is kept in sessionStorage (this tab only, never
// localStorage), under the signed-in user and the form. If the page comes back without it
// (the connection dropped during saving, the session ran out and they signed in again), it
// is put back. Before sending, the script checks the connection: offline, the form stays as
// it is and says so. The submission key travels with the draft, so however many times it is
// sent, one conversation is saved. A draft is dropped once the server says it was saved (the
// tc_saved_submission cookie) and every draft is dropped on signing out.
const PREFIX = "tc-draft:";
const SAVED_COOKIE = "tc_saved_submission";
const SKIP = new Set(["csrfmiddlewaretoken", "draft_author"]);

function storage() {
  try {
    return window.sessionStorage;
  } catch {
    return null; // storage refused (private mode): the server still keeps what was sent
  }
}

function draftKeys(store) {
  const keys = [];
  for (let i = 0; i < store.length; i += 1) {
    const key = store.key(i);
    if (key && key.startsWith(PREFIX)) keys.push(key);
  }
  return keys;
}

function readCookie(name) {
  const found = document.cookie.split("; ").find((part) => part.startsWith(`${name}=`));
  return found ? decodeURIComponent(found.slice(name.length + 1)).replace(/^"|"$/g, "") : "";
}

function serialise(form) {
  const values = {};
  for (const [name, value] of new FormData(form)) {
    if (SKIP.has(name) || typeof value !== "string") continue;
    (values[name] ||= []).push(value);
  }
  return values;
}

function restore(form, values) {
  for (const element of form.elements) {
    if (!element.name || SKIP.has(element.name)) continue;
    const wanted = values[element.name];
    if (element.type === "radio" || element.type === "checkbox") {
      element.checked = Boolean(wanted && wanted.includes(element.value));
    } else if (element.tagName === "SELECT" && element.multiple) {
      for (const option of element.options) option.selected = Boolean(wanted && wanted.includes(option.value));
    } else if (wanted !== undefined && element.type !== "submit") {
      element.value = wanted[0];
    }
  }
}

function hasTyping(values) {
  return Object.entries(values).some(
    ([name, list]) => name !== "submission_key" && list.some((value) => value.trim() !== ""),
  );
}

function initForm(form, store) {
  const user = form.dataset.draftUser;
  const key = `${PREFIX}${user}:${form.dataset.draft}`;
  // Drafts of anyone else who used this tab are never shown: drop them.
  for (const other of draftKeys(store)) {
    if (!other.startsWith(`${PREFIX}${user}:`)) store.removeItem(other);
  }
  const save = () => store.setItem(key, JSON.stringify(serialise(form)));
  const stored = store.getItem(key);
  if (form.dataset.draftBound === "true") {
    save(); // the server sent back what was typed (an error, or kept through signing in)
  } else if (stored) {
    const values = JSON.parse(stored);
    if (hasTyping(values)) {
      restore(form, values);
      const notice = document.querySelector("[data-draft-restored]");
      if (notice) notice.hidden = false;
    }
  }
  form.addEventListener("input", save);
  form.addEventListener("change", save);

  const offline = document.querySelector("[data-draft-offline]");
  form.addEventListener("submit", async (event) => {
    if (form.dataset.draftChecked === "yes") return; // checked: let it go
    event.preventDefault();
    save();
    const submitter = event.submitter;
    try {
      // Reachable? (Signed out, it is sent anyway: the server keeps it through signing in.)
      await fetch(form.dataset.draftPing, { credentials: "same-origin", cache: "no-store" });
    } catch {
      if (offline) {
        offline.hidden = false;
        offline.focus();
      }
      return; // no connection: the form stays as it is
    }
    if (offline) offline.hidden = true;
    form.dataset.draftChecked = "yes";
    if (submitter) form.requestSubmit(submitter);
    else form.requestSubmit();
    form.dataset.draftChecked = "";
  });
}

export function initDrafts() {
  const store = storage();
  if (!store) return;
  const saved = readCookie(SAVED_COOKIE);
  if (saved) {
    for (const key of draftKeys(store)) {
      try {
        const values = JSON.parse(store.getItem(key) || "{}");
        if ((values.submission_key || []).includes(saved)) store.removeItem(key);
      } catch {
        store.removeItem(key);
      }
    }
    document.cookie = `${SAVED_COOKIE}=; Max-Age=0; Path=/; SameSite=Lax`;
  }
  for (const logout of document.querySelectorAll('form[action$="/accounts/logout/"]')) {
    logout.addEventListener("submit", () => {
      for (const key of draftKeys(store)) store.removeItem(key);
    });
  }
  for (const form of document.querySelectorAll("form[data-draft]")) initForm(form, store);
}
