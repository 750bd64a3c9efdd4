import { describe, expect, it } from 'vitest';
import { dataDirFlag } from '../../../electron/main/launchOptions';

describe('dataDirFlag', () => {
  it.each([
    [['/opt/electron', 'dist/electron/main.cjs', '--data-dir', '/tmp/a'], '/tmp/a'],
    [['/opt/Relais', '--data-dir=/tmp/b'], '/tmp/b'],
    [['/opt/Relais', '--no-sandbox', '--data-dir=rel/dir', '--enable-logging'], 'rel/dir'],
    [['/opt/Relais', '--data-dir'], undefined],
    [['/opt/Relais', '--data-dir', '--no-sandbox'], undefined],
    [['/opt/Relais', '--data-dir='], undefined],
    [['/opt/Relais'], undefined],
  ])('reads %j as %s', (argv, expected) => {
    expect(dataDirFlag(argv)).toBe(expected);
  });
});
