import { notifications } from '@mantine/notifications';

/** A short confirmation that something the person did has worked. */
export function notifySuccess(title: string, message?: string) {
  notifications.show(
    message === undefined ? { message: title, color: 'teal' } : { title, message, color: 'teal' },
  );
}
