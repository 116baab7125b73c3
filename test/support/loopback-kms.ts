import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { closeServer, listenOnLoopback } from './loopback-http';

/**
 * A loopback stand-in for KMS (KMS cannot run here): it speaks the awsJson1_1 wire format of the two
 * operations the vault uses, Encrypt and Decrypt, and refuses what KMS refuses: an unknown key, a
 * plaintext over 4,096 bytes, a Decrypt naming another key than the blob's (IncorrectKeyException),
 * or a blob changed or opened under another encryption context (InvalidCiphertextException).
 * It counts requests per operation.
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_Encrypt.html
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_Decrypt.html
 */
export class LoopbackKms {
  readonly calls = { Encrypt: 0, Decrypt: 0 };
  readonly #keys = new Map<string, Buffer>();
  readonly #server: Server;

  constructor(keyArns: readonly string[]) {
    for (const arn of keyArns) this.#keys.set(arn, randomBytes(32));
    this.#server = createServer((request, response) => void this.#handle(request, response));
  }

  start(): Promise<string> {
    return listenOnLoopback(this.#server);
  }

  stop(): Promise<void> {
    return closeServer(this.#server);
  }

  get total(): number {
    return this.calls.Encrypt + this.calls.Decrypt;
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const target = String(request.headers['x-amz-target'] ?? '');
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
    const answer = (status: number, payload: unknown): void => {
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify(payload));
    };
    const refuse = (type: string, message: string): void => answer(400, { __type: type, message });
    if (!String(request.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 ')) return refuse('MissingAuthenticationTokenException', 'unsigned');
    const context = canonicalContext(body.EncryptionContext);
    if (target === 'TrentService.Encrypt') {
      this.calls.Encrypt += 1;
      const keyId = String(body.KeyId);
      const master = this.#keys.get(keyId);
      if (!master) return refuse('NotFoundException', 'key not found');
      const plaintext = Buffer.from(String(body.Plaintext ?? ''), 'base64');
      if (plaintext.length < 1 || plaintext.length > 4096) return refuse('ValidationException', 'Plaintext must be 1 to 4096 bytes');
      const blob = seal(master, plaintext, `${keyId}\n${context}`);
      return answer(200, { KeyId: keyId, CiphertextBlob: Buffer.concat([Buffer.from(keyId.padEnd(128)), blob]).toString('base64'), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' });
    }
    if (target === 'TrentService.Decrypt') {
      this.calls.Decrypt += 1;
      const whole = Buffer.from(String(body.CiphertextBlob), 'base64');
      const keyId = whole.subarray(0, 128).toString().trimEnd();
      const master = this.#keys.get(keyId);
      if (!master || (body.KeyId !== undefined && body.KeyId !== keyId)) return refuse('IncorrectKeyException', 'wrong key');
      const plaintext = open(master, whole.subarray(128), `${keyId}\n${context}`);
      if (!plaintext) return refuse('InvalidCiphertextException', 'invalid ciphertext');
      return answer(200, { KeyId: keyId, Plaintext: plaintext.toString('base64'), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' });
    }
    return refuse('UnknownOperationException', target);
  }
}

const canonicalContext = (value: unknown): string =>
  JSON.stringify(Object.entries((value ?? {}) as Record<string, string>).sort(([a], [b]) => (a < b ? -1 : 1)));

const seal = (key: Buffer, plaintext: Buffer, aad: string): Buffer => {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
};

const open = (key: Buffer, blob: Buffer, aad: string): Buffer | undefined => {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, blob.subarray(0, 12)).setAAD(Buffer.from(aad));
    decipher.setAuthTag(blob.subarray(12, 28));
    return Buffer.concat([decipher.update(blob.subarray(28)), decipher.final()]);
  } catch {
    return undefined;
  }
};

/**
 * A loopback KMS for code that runs as deployed (the built functions in a fresh process, and this
 * process's API beside them): one key, reached through the SDK's own AWS_ENDPOINT_URL_KMS setting,
 * set here for this process and handed to child processes in `env`. `restore()` puts the process
 * environment back.
 */
export const startDeployedKms = async (): Promise<{ readonly kms: LoopbackKms; readonly keyArn: string; readonly env: Readonly<Record<string, string>>; restore(): Promise<void> }> => {
  const keyArn = 'arn:aws:kms:us-east-1:111122223333:key/5f0c2a9e-1111-4222-8333-444455556666';
  const kms = new LoopbackKms([keyArn]);
  const endpoint = await kms.start();
  const env = { PATGATE_CREDENTIALS_KEY_ID: keyArn, AWS_ENDPOINT_URL_KMS: endpoint, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
  const saved = Object.fromEntries(['AWS_ENDPOINT_URL_KMS', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'].map((name) => [name, process.env[name]]));
  Object.assign(process.env, { AWS_ENDPOINT_URL_KMS: endpoint, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
  return {
    kms,
    keyArn,
    env,
    restore: async () => {
      await kms.stop();
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    },
  };
};
