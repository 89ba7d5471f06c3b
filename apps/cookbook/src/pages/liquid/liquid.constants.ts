/** DI token of the cookbook's liquidjs engine (templates in apps/cookbook/views, Stash's `{% cache %}` tag). */
export const LIQUID = Symbol('COOKBOOK_LIQUID');
