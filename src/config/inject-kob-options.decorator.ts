import { Inject } from '@nestjs/common';
import { KOB_OPTIONS } from '../krav-og-betalinger.constants.js';

/**
 * Injects the resolved module options (`ResolvedKobOptions`). Type the parameter with `import type`.
 * @example constructor(@InjectKobOptions() private readonly options: ResolvedKobOptions) {}
 * @publicApi
 */
export const InjectKobOptions = (): PropertyDecorator & ParameterDecorator => Inject(KOB_OPTIONS);
