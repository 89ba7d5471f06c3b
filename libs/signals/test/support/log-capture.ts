import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';

/** Silences Nest's Logger and keeps what was logged (the signals log through `new Logger('Signals')`). */
export class LogCapture {
  private readonly logSpy = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  private readonly warnSpy = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  private readonly errorSpy = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);

  infos(): string[] {
    return this.logSpy.mock.calls.map((call) => String(call[0]));
  }

  warnings(): string[] {
    return this.warnSpy.mock.calls.map((call) => String(call[0]));
  }

  errors(): string[] {
    return this.errorSpy.mock.calls.map((call) => String(call[0]));
  }

  restore(): void {
    this.logSpy.mockRestore();
    this.warnSpy.mockRestore();
    this.errorSpy.mockRestore();
  }
}
