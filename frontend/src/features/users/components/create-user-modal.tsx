import { Alert, Button, Group, Modal, PasswordInput, Select, Stack, TextInput } from '@mantine/core';
import { isEmail, isNotEmpty, useForm } from '@mantine/form';
import { useState } from 'react';
import { newIdempotencyKey } from '@/lib/api/idempotency';
import { errorMessage, explainedByFields, fieldErrors } from '@/lib/api/problem';
import { notifySuccess } from '@/lib/notify';
import { isStaffRole, staffRoleOptions } from '@/lib/roles';
import { useCreateUser } from '../api/create-user';
import { MIN_PASSWORD_LENGTH, passwordProblem } from '../password';

const FIELDS = ['email', 'name', 'role', 'password'] as const;

interface CreateUserFormValues {
  email: string;
  name: string;
  role: string | null;
  password: string;
}

interface CreateUserFormProps {
  idempotencyKey: string;
  onDone: () => void;
}

function CreateUserForm({ idempotencyKey, onDone }: CreateUserFormProps) {
  const createUser = useCreateUser();
  const form = useForm<CreateUserFormValues>({
    initialValues: { email: '', name: '', role: null, password: '' },
    validate: {
      email: isEmail('Enter a valid email address'),
      name: isNotEmpty('Enter a name'),
      role: (value) => (value !== null && isStaffRole(value) ? null : 'Pick a role'),
      password: passwordProblem,
    },
  });

  const submit = form.onSubmit((values) => {
    if (values.role === null || !isStaffRole(values.role)) return;
    const input = { email: values.email.trim(), name: values.name.trim(), role: values.role, password: values.password };
    createUser.mutate(
      { input, idempotencyKey },
      {
        onSuccess: (user) => {
          notifySuccess('User created', `${user.name} (${user.email}) can now sign in.`);
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

  const showAlert = createUser.isError && !explainedByFields(createUser.error, FIELDS);

  return (
    <form onSubmit={submit} noValidate aria-label="New user">
      <Stack>
        {showAlert && (
          <Alert color="red" title="Could not create the user" role="alert">
            {errorMessage(createUser.error)}
          </Alert>
        )}
        <TextInput label="Email" type="email" autoComplete="off" required data-autofocus {...form.getInputProps('email')} />
        <TextInput label="Name" autoComplete="off" required {...form.getInputProps('name')} />
        <Select
          label="Role"
          placeholder="Pick a role"
          data={staffRoleOptions}
          required
          allowDeselect={false}
          {...form.getInputProps('role')}
        />
        <PasswordInput
          label="Password"
          description={`At least ${MIN_PASSWORD_LENGTH} characters`}
          autoComplete="new-password"
          required
          {...form.getInputProps('password')}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone} disabled={createUser.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={createUser.isPending}>
            Create user
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

interface CreateUserModalProps {
  opened: boolean;
  /** A new key for every opening of the form. */
  idempotencyKey: string;
  onClose: () => void;
}

/** A modal form for a new staff user. Each opening has its own idempotency key. */
export function CreateUserModal({ opened, idempotencyKey, onClose }: CreateUserModalProps) {
  return (
    <Modal opened={opened} onClose={onClose} title="New user" centered>
      <CreateUserForm key={idempotencyKey} idempotencyKey={idempotencyKey} onDone={onClose} />
    </Modal>
  );
}

/** The "New user" button and its form. */
export function NewUserButton() {
  const [form, setForm] = useState({ opened: false, idempotencyKey: '' });
  return (
    <>
      <Button onClick={() => setForm({ opened: true, idempotencyKey: newIdempotencyKey() })}>New user</Button>
      <CreateUserModal
        opened={form.opened}
        idempotencyKey={form.idempotencyKey}
        onClose={() => setForm((current) => ({ ...current, opened: false }))}
      />
    </>
  );
}
