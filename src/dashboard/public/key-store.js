// The API key of this tab, in sessionStorage only: it goes when the tab closes, no other tab or
// later session sees it (localStorage would keep it), and the browser never sends it by itself
// (a cookie would go along with a cross-site form). It never goes in a URL either.
const item = "presque.apiKey";

export const storedKey = () => sessionStorage.getItem(item) ?? undefined;
export const storeKey = (key) => sessionStorage.setItem(item, key);
export const forgetKey = () => sessionStorage.removeItem(item);
