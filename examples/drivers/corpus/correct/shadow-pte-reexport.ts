// The built-in shadow-pte profile (dmirror, nouveau SVM, mlx5 ODP), re-exported unchanged as a
// custom module: what a driver author does first to see the battery pass on a known-good driver.
import { driverProfiles } from '../../../../machines/drivers/index.ts';

export default driverProfiles['shadow-pte'];
