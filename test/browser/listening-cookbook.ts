import request from 'supertest';
import type { CookbookTestApp } from '../support/cookbook-app.js';

type Agent = ReturnType<typeof request.agent>;

/**
 * A test cookbook listening on a real port. The page cache keys pages by their absolute URL, Host and port
 * included; supertest given a server object listens on a new port for every request, so every request would be
 * another URL and never a hit. These clients all talk to one address.
 */
export interface ListeningCookbook {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** A client without cookies. */
  http(): ReturnType<typeof request>;
  /** A client that keeps cookies, like a browser. */
  browser(): Agent;
  /** A browser signed in as `username` (password `cookbook`) through `POST /api/login`. */
  signIn(username: string): Promise<Agent>;
}

export async function listen(cookbook: CookbookTestApp): Promise<ListeningCookbook> {
  await cookbook.app.listen(0, '127.0.0.1');
  const url = await cookbook.app.getUrl();
  const base = url.replace('[::1]', '127.0.0.1').replace('localhost', '127.0.0.1');
  return {
    url: base,
    http: () => request(base),
    browser: () => request.agent(base),
    async signIn(username) {
      const agent = request.agent(base);
      await agent.post('/api/login').send({ username, password: 'cookbook' }).expect(200);
      return agent;
    },
  };
}
