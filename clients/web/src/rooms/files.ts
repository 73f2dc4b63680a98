import { ApiError, isApiError } from '../api'

/** The usual file name for a judge language: main.py, main.cpp, Main.java, … */
export function defaultFileName(language: string): string {
  switch (language) {
    case 'python3':
    case 'python':
      return 'main.py'
    case 'c':
      return 'main.c'
    case 'cpp':
      return 'main.cpp'
    case 'java':
      return 'Main.java'
    case 'javascript':
    case 'node':
      return 'main.js'
    case 'rust':
      return 'main.rs'
    default:
      return 'main.txt'
  }
}

const KNOWN = new Set(['main.py', 'main.c', 'main.cpp', 'Main.java', 'main.js', 'main.rs', 'main.txt'])

/** When the language changes: a file name the person left as suggested follows it. */
export function followLanguage(fileName: string, language: string): string {
  return !fileName.trim() || KNOWN.has(fileName) ? defaultFileName(language) : fileName
}

/** The server's file-name rule (server/api/rooms.py `FileName`). */
export const FILE_NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/

/** Errors about `files.0.file_name` (a list item on the server) belong to the form's one field. */
export function fileFieldError(err: unknown): unknown {
  if (isApiError(err) && err.field && /^files(\.\d+)?(\.file_name)?$/.test(err.field)) {
    return new ApiError(err.status, err.code, err.message, 'file_name', err.retryAfter, err.problems)
  }
  if (isApiError(err) && err.field && /^files\.\d+\.language$/.test(err.field)) {
    return new ApiError(err.status, err.code, err.message, 'language', err.retryAfter, err.problems)
  }
  return err
}
