import type { MessageId } from './messagesEn';

export const MESSAGES_DE: Readonly<Partial<Record<MessageId, string>>> = {
};
