// Shows the install snippet with the origin this demo is actually served from (PORT may differ
// from 8192, or a proxy may front it). The static text in index.html stays for readers without JS.
const snippet = document.querySelector('[data-testid="install-snippet"]');
if (snippet) snippet.textContent = `<script src="${location.origin}/loader.js" data-slug="acme" async></script>`;
