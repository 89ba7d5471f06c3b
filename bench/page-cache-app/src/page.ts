const rows = Array.from(
  { length: 28 },
  (_, i) => `<li><a href="/cookbook/recipes/${i + 1}">Recipe ${i + 1}</a>: five ingredients</li>`,
).join('\n');

/** A ~2 KB HTML page, the size of a small cookbook page. */
export const PAGE = `<!doctype html>\n<html><head><title>Cookbook</title></head>\n<body><h1>Recipes</h1>\n<ul>\n${rows}\n</ul></body></html>\n`;
