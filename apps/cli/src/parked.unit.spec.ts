import { parseParkedArgs } from './parked';

describe('npm run parked: arguments', () => {
  it('lists, replays a key (every service that parked it, or one) and discards only with a service named', () => {
    expect(parseParkedArgs(['list'])).toEqual({ command: 'list', json: false, waitSeconds: 30 });
    expect(parseParkedArgs(['list', '--json', '--service', 'dispatch'])).toMatchObject({ command: 'list', json: true, service: 'dispatch' });
    expect(parseParkedArgs(['replay', 'w-1', '--wait', '0'])).toMatchObject({ command: 'replay', key: 'w-1', waitSeconds: 0 });
    expect(parseParkedArgs(['discard', 'w-1', '--service', 'intake', '--consumer', 'g'])).toMatchObject({ command: 'discard', key: 'w-1', service: 'intake', consumer: 'g' });
  });

  it.each([
    [[], /unknown command/],
    [['replay'], /needs the key/],
    [['discard', 'w-1'], /discard needs --service/],
    [['list', '--service', 'billing'], /unknown service/],
    [['replay', 'w-1', '--wait', '-1'], /--wait must be/],
    [['list', '--nope'], /unknown argument/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseParkedArgs(argv as string[])).toThrow(message);
  });
});
