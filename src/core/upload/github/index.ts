// GitHub releases: find or create, upload assets, publish.
export { GithubApi, githubError, DEFAULT_GITHUB_API, type GithubRelease, type GithubAsset } from './api.js';
export {
  publishToGithub,
  type GithubPublishOptions,
  type GithubPublishResult,
  type GithubFile,
} from './release.js';
export { assetContentType } from './content-type.js';
