import type { GroupCommand } from '../../command.js';
import { command as defaultKey } from './default.js';
import { command as del } from './delete.js';
import { command as expire } from './expire.js';
import { command as exportKey } from './export.js';
import { command as forget } from './forget.js';
import { command as generate } from './generate.js';
import { command as importKey } from './import.js';
import { command as list } from './list.js';
import { command as passwd } from './passwd.js';
import { command as remember } from './remember.js';
import { command as revoke } from './revoke.js';

/** `distseal keys ...`: your own signing keys. */
export const command: GroupCommand = {
  command: 'keys',
  describe: 'Create, import, export and guard your own signing keys',
  subcommands: [
    generate,
    importKey,
    exportKey,
    list,
    revoke,
    passwd,
    expire,
    del,
    defaultKey,
    remember,
    forget,
  ],
};
