import { Alert, Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { isEmail, isNotEmpty, useForm } from '@mantine/form';
import { errorMessage, isApiError } from '@/lib/api/problem';
import { useLogin, type LoginInput } from '../api/login';

interface LoginFormProps {
  onSuccess: () => void;
}

export function LoginForm({ onSuccess }: LoginFormProps) {
  const loginMutation = useLogin();
  const form = useForm<LoginInput>({
    mode: 'uncontrolled',
    initialValues: { email: '', password: '' },
    validate: {
      email: isEmail('Enter a valid email address'),
      password: isNotEmpty('Enter your password'),
    },
  });

  const submit = form.onSubmit((values) => {
    loginMutation.mutate(
      { email: values.email.trim(), password: values.password },
      {
        onSuccess,
        onError: (error) => {
          // The API names the offending field for validation failures: show it there too.
          if (isApiError(error)) {
            for (const fieldError of error.problem.errors ?? []) {
              if (fieldError.field === 'email' || fieldError.field === 'password') {
                form.setFieldError(fieldError.field, fieldError.message);
              }
            }
          }
        },
      },
    );
  });

  return (
    <form onSubmit={submit} noValidate aria-label="Sign in">
      <Stack>
        {loginMutation.isError && (
          <Alert color="red" title="Could not sign in" role="alert">
            {errorMessage(loginMutation.error)}
          </Alert>
        )}
        <TextInput
          label="Email"
          type="email"
          autoComplete="username"
          required
          key={form.key('email')}
          {...form.getInputProps('email')}
        />
        <PasswordInput
          label="Password"
          autoComplete="current-password"
          required
          key={form.key('password')}
          {...form.getInputProps('password')}
        />
        <Button type="submit" loading={loginMutation.isPending} fullWidth>
          Sign in
        </Button>
      </Stack>
    </form>
  );
}
