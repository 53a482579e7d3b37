// The demo SPA's router: links change the URL with history.pushState and the view in place. The
// chat widget notices every route change (History API) and tells the agent the new page.
const titles = { tents: 'Tents', boots: 'Boots' };

function show(url) {
  const page = new URL(url, location.href).searchParams.get('page');
  const name = titles[page] ?? 'Shop';
  document.getElementById('view').textContent = name;
  document.title = `Acme Outdoor · ${name}`;
}

document.addEventListener('click', (event) => {
  const link = event.target instanceof Element && event.target.closest('a[data-route]');
  if (!link) return;
  event.preventDefault();
  show(link.dataset.route);
  history.pushState({}, '', link.dataset.route);
});
addEventListener('popstate', () => show(location.href));
show(location.href);
