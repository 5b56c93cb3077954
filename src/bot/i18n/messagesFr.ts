import type { MessageId } from './messagesEn';

export const MESSAGES_FR: Readonly<Partial<Record<MessageId, string>>> = {
};
