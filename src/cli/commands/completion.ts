import type { Argv } from 'yargs';
import type { LeafCommand } from '../command.js';

/**
 * `distseal completion bash|zsh|fish`: a script that asks distseal itself for the words to offer
 * (yargs answers `--get-yargs-completions`, so commands, subcommands and flags stay current).
 */
const SCRIPTS: Record<string, string> = {
  bash: `# distseal completion for bash: add to ~/.bashrc
#   source <(distseal completion bash)
_distseal_completions() {
  local cur="\${COMP_WORDS[COMP_CWORD]}"
  local args=("\${COMP_WORDS[@]:1:$COMP_CWORD}")
  local words
  words=$(distseal --get-yargs-completions "\${args[@]}" 2>/dev/null)
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
  return 0
}
complete -o default -F _distseal_completions distseal
`,
  zsh: `#compdef distseal
# distseal completion for zsh: add to ~/.zshrc
#   source <(distseal completion zsh)
_distseal() {
  local -a reply
  local si=$IFS
  IFS=$'\\n' reply=($(distseal --get-yargs-completions "\${words[@]:1}" 2>/dev/null))
  IFS=$si
  reply=(\${reply%%:*})
  if (( \${#reply} )); then compadd -- $reply; else _files; fi
}
compdef _distseal distseal
`,
  fish: `# distseal completion for fish: save as ~/.config/fish/completions/distseal.fish
#   distseal completion fish > ~/.config/fish/completions/distseal.fish
function __distseal_complete
    set -l args (commandline -opc)
    set -e args[1]
    distseal --get-yargs-completions $args (commandline -ct) 2>/dev/null | string replace -r ':.*' ''
end
complete -c distseal -f -a '(__distseal_complete)'
`,
};

export const command: LeafCommand = {
  command: 'completion <shell>',
  describe: 'Print a shell completion script (bash, zsh or fish)',
  builder: (y: Argv) =>
    y
      .positional('shell', { type: 'string', choices: ['bash', 'zsh', 'fish'], describe: 'Your shell' })
      .example('source <($0 completion bash)', 'completion in this bash session (add it to ~/.bashrc)'),
  run: async (argv, ctx) => {
    const shell = argv.shell as string;
    ctx.out.result(SCRIPTS[shell]!.trimEnd(), { ok: true, shell, script: SCRIPTS[shell] });
  },
};
