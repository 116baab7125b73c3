import { randomInt } from 'node:crypto';

/** The IAM user a signed request acts as. */
export interface AwsCaller {
  readonly accessKeyId: string;
  readonly userName: string;
  readonly accountId: string;
  /** `arn:aws:iam::{account}:user/{userName}` — what CodeCommit records as `authorArn`. */
  readonly arn: string;
  /** The unique id STS reports as `UserId` (`AIDA…`). */
  readonly userId: string;
}

export interface AccessKeyRecord extends AwsCaller {
  readonly secretAccessKey: string;
  active: boolean;
}

export interface IssuedAccessKey {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly userName: string;
  readonly arn: string;
}

export const DEFAULT_ACCOUNT_ID = '123456789012';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

const randomFrom = (alphabet: string, length: number): string =>
  Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join('');

/**
 * The IAM side of the simulator: long-term access key pairs (20-character `AKIA…` id, 40-character
 * secret) owned by IAM users, which can be deactivated as in the IAM console.
 */
export class SimulatedIam {
  readonly #keys = new Map<string, AccessKeyRecord>();
  readonly #userIds = new Map<string, string>();

  issueAccessKey(input: { userName: string; accountId?: string }): IssuedAccessKey {
    const accountId = input.accountId ?? DEFAULT_ACCOUNT_ID;
    const record: AccessKeyRecord = {
      accessKeyId: `AKIA${randomFrom(BASE32, 16)}`,
      secretAccessKey: randomFrom(SECRET_ALPHABET, 40),
      userName: input.userName,
      accountId,
      arn: `arn:aws:iam::${accountId}:user/${input.userName}`,
      userId: this.#userId(`${accountId}:${input.userName}`),
      active: true,
    };
    this.#keys.set(record.accessKeyId, record);
    return { accessKeyId: record.accessKeyId, secretAccessKey: record.secretAccessKey, userName: record.userName, arn: record.arn };
  }

  /** False when no such key was issued. */
  deactivateAccessKey(accessKeyId: string): boolean {
    const record = this.#keys.get(accessKeyId);
    if (!record) return false;
    record.active = false;
    return true;
  }

  /** AWS treats an inactive key exactly like an unknown one. */
  findActiveKey(accessKeyId: string): AccessKeyRecord | undefined {
    const record = this.#keys.get(accessKeyId);
    return record?.active ? record : undefined;
  }

  reset(): void {
    this.#keys.clear();
    this.#userIds.clear();
  }

  #userId(user: string): string {
    const existing = this.#userIds.get(user);
    if (existing) return existing;
    const id = `AIDA${randomFrom(BASE32, 17)}`;
    this.#userIds.set(user, id);
    return id;
  }
}
