import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kafkaBrokers, testKafkaConfig } from './support';

const version = spawnSync('kcat', ['-V'], { encoding: 'utf8' });
/** kcat is installed (Debian package `kcat`). */
export const KCAT_INSTALLED = version.status === 0;

/**
 * Whether kcat can connect to the tests' broker: always on PLAINTEXT; with SCRAM only when its
 * librdkafka is 2.6.1 or later — older ones put the client nonce twice into SCRAM's final message,
 * which Kafka 4.x refuses as invalid credentials (confluentinc/librdkafka#4895; Debian 12's kcat
 * has librdkafka 2.0.2).
 */
export function kcatCanConnect(): boolean {
  if (!KCAT_INSTALLED) return false;
  if (testKafkaConfig().KAFKA_SASL_USERNAME === undefined) return true;
  const [major, minor, patch] = (version.stdout.match(/librdkafka (\d+)\.(\d+)\.(\d+)/) ?? []).slice(1).map(Number);
  return major > 2 || (major === 2 && (minor > 6 || (minor === 6 && patch >= 1)));
}

let configFile: string | undefined;
/**
 * kcat's broker and security arguments for the tests' broker: `-b <brokers>` and, when secured,
 * `-F <file>` with SASL/SCRAM (and TLS) settings — in a 0600 file, so the password is never on a
 * command line.
 */
export function kcatArgs(): string[] {
  const c = testKafkaConfig();
  if (c.KAFKA_SASL_USERNAME === undefined) return ['-b', kafkaBrokers(), ...(c.KAFKA_TLS ? ['-X', 'security.protocol=SSL'] : [])];
  if (!configFile) {
    configFile = join(mkdtempSync(join(tmpdir(), 'chuishao-kcat-')), 'kcat.conf');
    const lines = [
      `security.protocol=${c.KAFKA_TLS ? 'SASL_SSL' : 'SASL_PLAINTEXT'}`,
      `sasl.mechanisms=${c.KAFKA_SASL_MECHANISM.toUpperCase()}`,
      `sasl.username=${c.KAFKA_SASL_USERNAME}`,
      `sasl.password=${c.KAFKA_SASL_PASSWORD}`,
      ...(c.KAFKA_TLS_CA_FILE ? [`ssl.ca.location=${c.KAFKA_TLS_CA_FILE}`] : []),
    ];
    writeFileSync(configFile, `${lines.join('\n')}\n`, { mode: 0o600 });
  }
  return ['-b', kafkaBrokers(), '-F', configFile];
}
