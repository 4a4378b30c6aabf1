/** The profile a run uses: the one given with `--profile`, else the bundled target's. */
import bundled from '../../profiles/bundled.ts';
import { loadProfile, validateProfile, type LoadedProfile } from './load.ts';

let bundledProfile: LoadedProfile | undefined;

/** The bundled target's profile (profiles/bundled.ts), validated once. */
export function bundledTargetProfile(): LoadedProfile {
  bundledProfile ??= { profile: validateProfile(bundled, 'profiles/bundled.ts') };
  return bundledProfile;
}

/**
 * Loads `file` when given, else the bundled target's profile.
 * @throws TicketbenchError INVALID_PROFILE as loadProfile
 */
export async function resolveProfile(file: string | undefined): Promise<LoadedProfile> {
  return file === undefined ? bundledTargetProfile() : loadProfile(file);
}
