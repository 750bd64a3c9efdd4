/**
 * The one IPC channel between preload and main. Its own file so the preload
 * bundle can import it without pulling in the main process's services.
 */
export const API_CHANNEL = 'relais:call';
