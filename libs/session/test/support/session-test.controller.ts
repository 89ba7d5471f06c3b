import { Body, Controller, Get, HttpCode, NotFoundException, Param, Post, Req, Session } from '@nestjs/common';
import { CurrentSession, SessionService, UsesSession, type StashSession } from '@stash/session';
import type { Request } from 'express';
import { TestGates } from './test-gates.js';

type Data = Record<string, unknown>;

function dataOf(session: StashSession): Data {
  return Object.fromEntries(Object.entries(session).filter(([key]) => key !== 'cookie'));
}

/** Routes that exercise every part of `@stash/session` from HTTP. */
@Controller()
export class SessionTestController {
  constructor(private readonly sessions: SessionService) {}

  @Get('ping')
  ping() {
    return { pong: true };
  }

  @Get('session')
  read(@Session() session: StashSession) {
    return { id: session.id, data: dataOf(session) };
  }

  @Post('session')
  @HttpCode(200)
  write(@CurrentSession() session: StashSession<Data>, @Body() body: { set?: Data; unset?: string[]; gate?: string }) {
    return this.change(session, body);
  }

  @Post('session/slow')
  @HttpCode(200)
  async slowWrite(
    @CurrentSession() session: StashSession<Data>,
    @Body() body: { set?: Data; unset?: string[]; gate: string },
  ) {
    await TestGates.pass(body.gate);
    return this.change(session, body);
  }

  @Post('session/date')
  @HttpCode(200)
  storeDate(@CurrentSession() session: StashSession<{ when: Date }>) {
    session.when = new Date();
  }

  @Post('session/fail')
  fail(@CurrentSession() session: StashSession<Data>, @Body() body: { set: Data; status: number }) {
    Object.assign(session, body.set);
    if (body.status === 404) throw new NotFoundException('gone');
    throw new Error('handler failure');
  }

  @Get('raw/:key')
  @UsesSession()
  raw(@Req() req: Request, @Param('key') key: string) {
    return { value: (req.session as unknown as Data)[key] ?? null };
  }

  @Get('forgot')
  forgot(@Req() req: Request) {
    try {
      return { id: req.session.id };
    } catch (error) {
      return { error: (error as Error).name, message: (error as Error).message };
    }
  }

  @Get('nested/deeper/path')
  nested(@Session() session: StashSession) {
    return { id: session.id };
  }

  @Post('login')
  @HttpCode(200)
  async login(@Req() req: Request, @Body('userId') userId: string | number) {
    await this.sessions.login(req, userId);
    return { id: req.sessionID };
  }

  @Post('logout')
  @HttpCode(200)
  async logout(@Req() req: Request, @Body() body?: { set?: Data }) {
    await this.sessions.logout(req);
    Object.assign(req.session, body?.set ?? {});
    return { id: req.sessionID };
  }

  @Post('flush')
  @HttpCode(200)
  async flush(@Req() req: Request) {
    await this.sessions.flush(req);
    return { id: req.sessionID };
  }

  @Post('cycle')
  @HttpCode(200)
  async cycle(@Req() req: Request) {
    await this.sessions.cycleKey(req);
    return { id: req.sessionID };
  }

  @Post('destroy')
  @HttpCode(200)
  async destroy(@Req() req: Request) {
    await this.sessions.destroy(req);
  }

  @Post('expiry')
  @HttpCode(200)
  async setExpiry(@Req() req: Request, @Body() body: { seconds?: number | null; date?: string }) {
    await this.sessions.setExpiry(req, body.date ? new Date(body.date) : (body.seconds ?? null));
    return { age: await this.sessions.getExpiryAge(req) };
  }

  @Get('expiry')
  async expiryAge(@Req() req: Request) {
    return { age: await this.sessions.getExpiryAge(req) };
  }

  @Get('me')
  async me(@Req() req: Request) {
    return { userId: (await this.sessions.getUserId(req)) ?? null, id: req.sessionID };
  }

  @Get('me/sessions')
  async mySessions(@Req() req: Request) {
    const userId = await this.sessions.getUserId(req);
    if (!userId) return [];
    const list = await this.sessions.listForUser(userId);
    return list.map((session) => ({ ...session, current: session.id === req.sessionID }));
  }

  /** connect-redis's own enumeration methods on `req.sessionStore` (ids, all, length, clear). */
  @Post('store/:method')
  @HttpCode(200)
  @UsesSession()
  async store(@Req() req: Request, @Param('method') method: 'ids' | 'all' | 'length' | 'clear') {
    const store = req.sessionStore as unknown as Record<typeof method, () => Promise<unknown>>;
    return { result: (await store[method]()) ?? null };
  }

  @Post('me/logout-others')
  @HttpCode(200)
  async logoutOthers(@Req() req: Request) {
    const userId = await this.sessions.getUserId(req);
    return { destroyed: await this.sessions.destroyAllForUser(userId!, { except: req.sessionID }) };
  }

  private change(session: StashSession<Data>, body: { set?: Data; unset?: string[] }) {
    Object.assign(session, body.set ?? {});
    for (const key of body.unset ?? []) delete session[key];
    return { id: session.id, data: dataOf(session) };
  }
}
