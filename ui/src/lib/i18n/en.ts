// English: the one message catalogue. Every user-facing string of the UI is
// here; components reach it through t('key', {param}). Placeholders are
// written {name}. Keys are grouped by screen; keep them sorted within a group.
export const en = {
  // ---- app-wide ----
  'app.name': 'Tessera',
  'common.cancel': 'Cancel',
  'common.close': 'Close',
  'common.done': 'Done',
  'common.loading': 'Loading…',
  'common.retry': 'Try again',
  'common.vault_at': 'Vault: {path}',
  'start.failed_title': 'Tessera could not start',

  // ---- first run ----
  'create.accept_weak': 'Use a weak password anyway',
  'create.confirm': 'Type it again',
  'create.creating': 'Creating…',
  'create.intro':
    'Choose the master password that opens your vault. Everything in the vault is encrypted with it.',
  'create.mismatch': 'The two passwords are not the same.',
  'create.password': 'Master password',
  'create.submit': 'Create vault',
  'create.title': 'Create your vault',
  'create.warning':
    'Nobody can recover this password, not even Tessera. If you forget it, what is in the vault is lost. Write it down and keep it somewhere safe.',
  'create.warning_title': 'This password cannot be recovered',

  // ---- password strength ----
  'strength.0': 'Very weak',
  'strength.1': 'Weak',
  'strength.2': 'Fair',
  'strength.3': 'Strong',
  'strength.4': 'Very strong',
  'strength.crack_time': 'Time to guess: {time}',
  'strength.label': 'Password strength',
  'strength.none': 'Not rated yet',

  // ---- lock screen ----
  'lock.locked_agent': 'Locked from the command line.',
  'lock.locked_idle': 'Locked after a while without activity.',
  'lock.no_keyring': 'No system keyring: quick unlock is unavailable; your password still works.',
  'lock.password': 'Master password',
  'lock.quick': 'Quick unlock',
  'lock.quick_until': 'Quick unlock on this device until {date}',
  'lock.submit': 'Unlock',
  'lock.title': 'Tessera is locked',
  'lock.unlocking': 'Unlocking…',

  // ---- vault ----
  'vault.access': 'Access',
  'vault.add': 'Add',
  'vault.health': 'Health',
  'vault.health_due': 'Health: {count} items need attention',
  'vault.add_first': 'Add your first key',
  'vault.clear_search': 'Clear search and filters',
  'vault.count': '{count} of {total}',
  'vault.empty_text':
    'Add an API key, a token or a secret, or import them from a .env file, Bitwarden or KeePassXC.',
  'vault.empty_title': 'Your vault is empty',
  'vault.import': 'Import',
  'vault.items': 'Items',
  'vault.load_failed': 'The items could not be loaded',
  'vault.lock': 'Lock',
  'vault.lock_shortcut': 'Lock now (Ctrl+L)',
  'vault.no_results_filters': 'No item matches these filters.',
  'vault.no_results_text': 'No item matches “{query}”.',
  'vault.no_results_title': 'Nothing found',
  'vault.search': 'Search items',
  'vault.search_placeholder': 'Search by name, service, tag or variable',
  'vault.settings': 'Settings',

  // ---- filters ----
  'filter.all_kinds': 'All kinds',
  'filter.all_tags': 'All tags',
  'filter.group': 'Filters',
  'filter.kind': 'Kind',
  'filter.sort': 'Sort by',
  'filter.tag': 'Tag',
  'sort.expiry': 'Expiry',
  'sort.name': 'Name',
  'sort.recently_updated': 'Recently updated',
  'sort.relevance': 'Relevance',

  // ---- kinds ----
  'kind.api_key': 'API key',
  'kind.credential': 'Credential',
  'kind.identity': 'Identity',
  'kind.passkey': 'Passkey',
  'kind.secret': 'Secret',
  'kind.token': 'Token',

  // ---- expiry ----
  'expiry.expired': 'Expired {date}',
  'expiry.on': 'Expires {date}',
  'expiry.soon': 'Expires {date}',

  // ---- item fields ----
  'field.created': 'Created',
  'field.env_var': 'Environment variable',
  'field.expires': 'Expires',
  'field.kind': 'Kind',
  'field.name': 'Name',
  'field.notes': 'Notes',
  'field.scopes': 'Scopes',
  'field.service': 'Service',
  'field.tags': 'Tags',
  'field.updated': 'Updated',
  'field.url': 'URL',
  'field.username': 'Username',

  'field.rotate_url': 'Rotate it at',
  'field.rotation': 'Rotation',
  'field.status': 'Status',
  'field.value_set': 'Value set',

  // ---- item view ----
  'detail.close': 'Close item',
  'detail.copy': 'Copy',
  'detail.delete': 'Delete',
  'detail.edit': 'Edit',
  'detail.field_hidden': 'hidden',
  'detail.fields': 'Other fields',
  'detail.hide': 'Hide',
  'detail.hides_in': 'Hidden again after {seconds} s.',
  'detail.load_failed': 'This item could not be opened',
  'detail.never_expires': 'Never',
  'detail.reveal': 'Reveal',
  'detail.rotate': 'Rotate',
  'detail.unsupported_kind':
    'The desktop app does not show the value of this kind of item yet; use the tessera command.',
  'detail.value': 'Value',
  'detail.value_hidden': 'hidden',

  'detail.grace': 'old value kept {days} days after a rotation',
  'detail.needs_reauth': 'The service refused the refresh token: sign in again and store the new tokens.',
  'detail.rotate_every': 'every {days} days',
  'detail.version': 'version {version}',

  // ---- value history ----
  'history.current_since': 'Current, since {date}',
  'history.empty': 'No earlier values.',
  'history.hide_version': 'Hide version {seq}',
  'history.period': 'From {from} to {to}',
  'history.reveal_version': 'Reveal version {seq}',
  'history.title': 'Value history',
  'history.version': 'Version {seq}',

  // ---- add and edit ----
  'form.add': 'Add item',
  'form.add_title': 'Add an item',
  'form.comma_separated': 'Separate them with commas.',
  'form.edit_title': 'Edit item',
  'form.env_invalid':
    'Use letters, digits and _ only, not starting with a digit (for example STRIPE_API_KEY).',
  'form.env_placeholder': 'STRIPE_API_KEY',
  'form.expiry_help': 'Optional. The item is flagged when this day comes near.',
  'form.name_required': 'Give the item a name.',
  'form.save': 'Save',
  'form.value': 'Value',

  // ---- new values (add, rotate) ----
  'value.alphabet': 'Characters',
  'value.alphabet.alphanumeric': 'Letters and digits',
  'value.alphabet.base64url': 'Base64 (URL-safe)',
  'value.alphabet.hex': 'Hexadecimal',
  'value.alphabet.symbols': 'Letters, digits and symbols',
  'value.generate_help': 'Tessera generates the value; you can copy it once the item is saved.',
  'value.length': 'Length',
  'value.length_range': 'The length must be between 8 and 4096.',
  'value.literal': 'Paste the value',
  'value.mode': 'Where the value comes from',
  'value.mode_generate': 'Generate one',
  'value.mode_paste': 'Paste it',
  'value.prefix': 'Prefix',
  'value.prefix_placeholder': 'sk_live_',
  'value.prefix_spaces': 'The prefix must not contain spaces.',
  'value.required': 'Paste the value, or choose to generate one.',
  'value.show_typing': 'Show what I paste',

  // ---- rotate ----
  'rotate.intro': 'The current value is kept in the history, so you can still read it if needed.',
  'rotate.reason': 'Reason',
  'rotate.reason_placeholder': 'For example: leaked in a CI log',
  'rotate.submit': 'Rotate',
  'rotate.title': 'Rotate “{name}”',
  'rotate.value': 'New value',

  // ---- delete ----
  'delete.confirm': 'Delete',
  'delete.message': 'The item and its history are removed. You can undo this for a few seconds.',
  'delete.title': 'Delete “{name}”?',

  // ---- import ----
  'import.file': 'File',
  'import.format': 'Format',
  'import.format.bitwarden': 'Bitwarden (JSON export)',
  'import.format.dotenv': '.env file',
  'import.format.keepassxc': 'KeePassXC (CSV export)',
  'import.hint.bitwarden': 'In Bitwarden: Tools → Export vault → File format .json (not encrypted).',
  'import.hint.dotenv': 'Each NAME=value line becomes a secret with NAME as its environment variable.',
  'import.hint.keepassxc': 'In KeePassXC: Database → Export → CSV file.',
  'import.imported': 'Imported items: {count}',
  'import.importing': 'Importing…',
  'import.plaintext_warning':
    'Export files hold your secrets in plain text. Delete the file once the import is done.',
  'import.progress': '{done} of {total} ({percent}%)',
  'import.progress_label': 'Import progress',
  'import.read_failed': 'The file could not be read.',
  'import.renamed_row': '{from} → {to}',
  'import.renamed_title': 'Renamed because the name was taken: {count}',
  'import.skipped_title': 'Skipped: {count}',
  'import.starting': 'Starting…',
  'import.submit': 'Import',
  'import.title': 'Import items',

  // ---- consent question (a program asks the agent) ----
  'consent.always': 'Always allow',
  'consent.deny': 'Deny',
  'consent.explain':
    'Allow once answers this request only; for this session lasts until the vault locks; always and deny are kept until you revoke them under Access.',
  'consent.intro': 'It asks for the secrets of:',
  'consent.once': 'Allow once',
  'consent.program': 'Program:',
  'consent.session': 'Allow for this session',
  'consent.title': '{program} wants secrets from your vault',

  // ---- access (stored consent decisions) ----
  'access.actions': 'Actions',
  'access.agent_elsewhere': 'The command line reaches this vault through a separate tessera agent ({socket}).',
  'access.agent_serving':
    'While Tessera is open and unlocked, tessera get, run and inject use this window’s vault, and ask you here ({socket}).',
  'access.agent_starting': 'Starting the agent…',
  'access.agent_unavailable': 'The command line cannot use this window’s vault: {detail}',
  'access.allowed': 'Always allowed',
  'access.decision': 'Decision',
  'access.denied': 'Denied',
  'access.empty_text': 'When you answer “Always allow” or “Deny” to a program, the decision is listed here.',
  'access.empty_title': 'No program has a lasting decision',
  'access.item': 'Item',
  'access.program': 'Program',
  'access.revoke': 'Revoke',
  'access.revoke_label': 'Revoke the decision for {program} reading {item}',
  'access.revoked': '{program} will be asked again before it reads {item}.',
  'access.since': 'Since',
  'access.title': 'Program access',

  // ---- health ----
  'health.all_good_text': 'All {count} items are in date, rotated on time, unique and strong.',
  'health.all_good_title': 'Nothing needs attention',
  'health.at_url': '(at {url})',
  'health.do_reauth': 'Sign in at the service again and store the new tokens.',
  'health.do_revoke_previous': 'Once every client uses the new value, revoke the previous one at the service.',
  'health.do_rotate_generated': 'Rotate it here, then update the service.',
  'health.do_rotate_manual': 'Get a new value from the service, then record it with Rotate.',
  'health.do_set_policy': 'Rotate it, or give it a rotation policy so Tessera reminds you.',
  'health.do_strengthen': 'Rotate it to a generated value.',
  'health.expired': 'Expired on {date}',
  'health.expiring': 'Expires on {date}',
  'health.in_grace': 'The previous value still works until {date}',
  'health.needs_reauth': 'The service refused the refresh token',
  'health.never_rotated': 'Never rotated since {date}',
  'health.open': 'Open',
  'health.open_label': 'Open {name}',
  'health.rotation_due': 'Due for rotation on {date}',
  'health.rotation_overdue': 'Rotation overdue since {date}',
  'health.severity.critical': 'Now',
  'health.severity.notice': 'Note',
  'health.severity.warning': 'Soon',
  'health.shared_value': 'Same value as {names}',
  'health.summary': '{checked} items checked: {critical} need action now, {warning} soon, {notice} worth a look.',
  'health.title': 'Health',
  'health.weak': 'Weak value (strength {score} of 4)',

  // ---- settings ----
  'settings.auto_lock': 'Lock after (minutes)',
  'settings.auto_lock_help': 'Without keyboard or mouse activity.',
  'settings.clipboard': 'Clear clipboard after (seconds)',
  'settings.clipboard_help': 'After Copy, the value is removed from the clipboard.',
  'settings.general': 'General',
  'settings.numbers_invalid': 'Use whole numbers of 1 or more.',
  'settings.reveal': 'Hide revealed values after (seconds)',
  'settings.reveal_help': 'A revealed value is masked again by itself.',
  'settings.save': 'Save',
  'settings.saved': 'Settings saved',
  'settings.title': 'Settings',

  // ---- quick unlock ----
  'quick.active_until': 'On until {date}.',
  'quick.days': 'For',
  'quick.days_option': '{days} days',
  'quick.disable': 'Turn off quick unlock',
  'quick.disabled': 'Quick unlock is off',
  'quick.enable': 'Turn on',
  'quick.enabled': 'Quick unlock is on',
  'quick.intro':
    'Opens the vault on this device without the password for a while, with a key kept in the system keyring.',
  'quick.password': 'Master password',
  'quick.title': 'Quick unlock on this device',
  'quick.unavailable':
    'Off: this system has no keyring that Tessera can use, so there is nowhere safe to keep the key.',

  // ---- device secret ----
  'device.confirm_help': 'Type the last 4 characters of the secret on the kit, to show that you saved it.',
  'device.confirm_label': 'Last 4 characters',
  'device.create_kit': 'Create recovery kit',
  'device.disable': 'Turn off device secret',
  'device.disabled': 'Device secret is off',
  'device.enable': 'Turn on device secret',
  'device.enabled': 'Device secret is on',
  'device.intro':
    'Adds a second key, kept in this device’s keyring: a copy of the vault file and your password are then not enough to open it. If this device is lost, only the recovery kit gets you back in.',
  'device.on': 'On: opening this vault also needs this device’s secret or the recovery kit.',
  'device.password': 'Master password',
  'device.title': 'Device secret',
  'device.unavailable':
    'Off: this system has no keyring that Tessera can use, so there is nowhere safe to keep the device secret.',

  // ---- recovery kit ----
  'kit.created': 'Created',
  'kit.intro':
    'With your master password, this secret opens your vault on any device. Print it or write it down now.',
  'kit.keep_1': 'Keep it on paper, somewhere safe and apart from your computer.',
  'kit.keep_2': 'Do not store it in the vault itself, nor in a file next to it.',
  'kit.keep_3': 'Anyone with this kit and your password can open the vault.',
  'kit.print': 'Print',
  'kit.secret_label': 'Recovery secret',
  'kit.title': 'Tessera recovery kit',
  'kit.vault_id': 'Vault ID',
  'kit.vault_path': 'Vault file',

  // ---- notices ----
  'toast.added': 'Added “{name}”',
  'toast.copied': 'Copied; clears in {seconds} s',
  'toast.deleted': 'Deleted “{name}”',
  'toast.dismiss': 'Dismiss',
  'toast.region': 'Notifications',
  'toast.restored': 'Restored “{name}”',
  'toast.rotated': 'Rotated “{name}”',
  'toast.saved': 'Saved “{name}”',
  'toast.undo': 'Undo',

  // ---- errors, by the backend's stable code ----
  'error.audit.broken':
    'The vault’s audit log does not check out: it may have been tampered with. Run `tessera audit --verify` for details.',
  'error.crypto.failure': 'The system could not provide secure random numbers. Try again.',
  'error.crypto.wrong_password': 'Wrong password. Check Caps Lock and try again.',
  'error.import.invalid': 'The file could not be imported: it is not in the chosen format.',
  'error.input.invalid': 'Some of what was entered is not valid.',
  'error.io.failure': 'The vault file could not be read or written. Check the disk and its permissions.',
  'error.ipc.failure': 'The Tessera backend did not answer. Restart the app.',
  'error.item.exists': 'An item with this name already exists. Choose another name.',
  'error.item.field_not_found': 'This item has no such field.',
  'error.item.not_found': 'This item no longer exists; it may have been deleted elsewhere.',
  'error.store.failure': 'The vault file could not be used. Try again; if it keeps failing, restart the app.',
  'error.unknown': 'Something went wrong.',
  'error.unknown_with_detail': 'Something went wrong: {detail}',
  'error.vault.busy':
    'Another program (perhaps the tessera command) is writing to the vault right now. Wait a moment and try again.',
  'error.vault.corrupt':
    'The vault file is damaged and cannot be opened. Restore it from a backup (tessera import tessera-backup); keep the damaged file until you have.',
  'error.vault.exists': 'A vault already exists here.',
  'error.vault.locked': 'The vault is locked. Unlock it to go on.',
  'error.vault.not_found': 'There is no vault at this place any more. Restart the app to create one.',
  'error.vault.too_new':
    'This vault was written by a newer version of Tessera. Update Tessera to open it; the file is left as it is.',
} as const satisfies Record<string, string>;

export type MessageKey = keyof typeof en;
