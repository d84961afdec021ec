/** The HTML of `/live`: a form that POSTs a note, and the list the WebSocket keeps current. */
export const LIVE_PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Notes, live</title>
  <style>
    body { font: 16px/1.4 system-ui, sans-serif; max-width: 36rem; margin: 2rem auto; padding: 0 1rem; }
    form { display: flex; gap: .5rem; } input { flex: 1; padding: .4rem; } button { padding: .4rem 1rem; }
    #status { color: #888; font-size: .85rem; } li { padding: .2rem 0; }
  </style>
</head>
<body>
  <h1>Notes <span id="status">connecting…</span></h1>
  <form id="new-note">
    <input id="title" name="title" placeholder="A new note" autocomplete="off" required>
    <button type="submit">Add</button>
  </form>
  <ul id="notes"></ul>
  <script>
    const status = document.getElementById('status');
    const list = document.getElementById('notes');
    const ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/live/notes');
    ws.onopen = () => { status.textContent = 'live'; };
    ws.onclose = () => { status.textContent = 'disconnected'; };
    ws.onmessage = (event) => {
      list.replaceChildren(...JSON.parse(event.data).map((note) => {
        const li = document.createElement('li');
        li.textContent = note.title;
        li.dataset.id = note.id;
        return li;
      }));
    };
    document.getElementById('new-note').onsubmit = async (event) => {
      event.preventDefault();
      const title = document.getElementById('title');
      await fetch('/notes', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: title.value }) });
      title.value = '';
    };
  </script>
</body>
</html>
`;
