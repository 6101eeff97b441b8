import { Alert, Button, Group, Modal, PasswordInput, Select, Stack, Switch, Text, TextInput } from '@mantine/core';
import { isNotEmpty, useForm } from '@mantine/form';
import { errorMessage, explainedByFields, fieldErrors } from '@/lib/api/problem';
import { notifySuccess } from '@/lib/notify';
import { isStaffRole, staffRoleOptions } from '@/lib/roles';
import type { User } from '../api/get-users';
import { useUpdateUser, type UpdateUserInput } from '../api/update-user';
import { MIN_PASSWORD_LENGTH, passwordProblem } from '../password';

const FIELDS = ['name', 'role', 'active', 'password'] as const;

interface EditUserFormValues {
  name: string;
  role: string;
  active: boolean;
  password: string;
}

/** What the form changes, and nothing else: absent fields stay as they are. */
function changesOf(user: User, values: EditUserFormValues): UpdateUserInput {
  const changes: UpdateUserInput = {};
  const name = values.name.trim();
  if (name !== user.name) changes.name = name;
  if (values.role !== user.role && isStaffRole(values.role)) changes.role = values.role;
  if (values.active !== user.active) changes.active = values.active;
  if (values.password !== '') changes.password = values.password;
  return changes;
}

interface EditUserFormProps {
  user: User;
  onDone: () => void;
}

function EditUserForm({ user, onDone }: EditUserFormProps) {
  const updateUser = useUpdateUser();
  const form = useForm<EditUserFormValues>({
    initialValues: { name: user.name, role: user.role, active: user.active, password: '' },
    validate: {
      name: isNotEmpty('Enter a name'),
      role: (value) => (isStaffRole(value) ? null : 'Pick a role'),
      password: (value) => (value === '' ? null : passwordProblem(value)),
    },
  });

  const submit = form.onSubmit((values) => {
    const changes = changesOf(user, values);
    if (Object.keys(changes).length === 0) {
      onDone();
      return;
    }
    updateUser.mutate(
      { id: user.id, changes },
      {
        onSuccess: (updated) => {
          notifySuccess('User updated', `Saved the changes to ${updated.name}.`);
          onDone();
        },
        onError: (error) => {
          for (const [field, message] of Object.entries(fieldErrors(error))) {
            if ((FIELDS as readonly string[]).includes(field)) form.setFieldError(field, message);
          }
        },
      },
    );
  });

  const showAlert = updateUser.isError && !explainedByFields(updateUser.error, FIELDS);

  return (
    <form onSubmit={submit} noValidate aria-label={`Edit ${user.name}`}>
      <Stack>
        {showAlert && (
          <Alert color="red" title="Could not save the changes" role="alert">
            {errorMessage(updateUser.error)}
          </Alert>
        )}
        <TextInput label="Email" value={user.email} readOnly variant="filled" description="The email cannot be changed." />
        <TextInput label="Name" required data-autofocus {...form.getInputProps('name')} />
        <Select label="Role" data={staffRoleOptions} required allowDeselect={false} {...form.getInputProps('role')} />
        <Switch
          label="Active"
          description="An inactive user cannot sign in; turning this off ends their sessions."
          {...form.getInputProps('active', { type: 'checkbox' })}
        />
        <PasswordInput
          label="New password"
          description={`Leave empty to keep the current password. At least ${MIN_PASSWORD_LENGTH} characters; setting one ends their sessions.`}
          autoComplete="new-password"
          {...form.getInputProps('password')}
        />
        {form.values.role !== user.role && (
          <Text size="sm" c="dimmed">
            Changing the role ends the user&apos;s sessions; they sign in again with the new role.
          </Text>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone} disabled={updateUser.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={updateUser.isPending}>
            Save changes
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

interface EditUserModalProps {
  opened: boolean;
  /** The user to edit; kept while the modal fades out. */
  user: User | null;
  onClose: () => void;
}

export function EditUserModal({ opened, user, onClose }: EditUserModalProps) {
  return (
    <Modal opened={opened && user !== null} onClose={onClose} title={user ? `Edit ${user.name}` : 'Edit user'} centered>
      {user !== null && <EditUserForm key={user.id} user={user} onDone={onClose} />}
    </Modal>
  );
}
