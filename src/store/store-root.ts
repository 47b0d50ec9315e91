// Which folder the store may use, and putting its layout back when it was removed underneath.
// `cacheDir` can be set from the WebUI, and the sweep deletes what it takes for leftovers: so
// the store owns only a folder it made (the mark file says so), an empty one, or one a store
// made before the mark existed (exactly the five layout folders). Anything else is refused.
import { LAYOUT_DIRS, STORE_MARK, type StoreLayout } from './layout';
import { StoreError, ioError } from './errors';
import type { StoreFs } from './store-fs';

const MARK_TEXT = `${JSON.stringify({
  about: '媒体缓存目录，其中文件由缓存自行管理，可整体删除 / a media cache folder; its files are managed by the cache, and it may be deleted as a whole',
  layout: 1,
})}\n`;

/**
 * Makes `layout.root` the store's, or throws a `FOREIGN_DIR` StoreError when it holds files of
 * someone else (unless the caller `owns` it: the plugin's own default folder).
 */
export async function claimRoot(fs: StoreFs, layout: StoreLayout, owns: boolean): Promise<void> {
  const { root } = layout;
  try {
    await fs.mkdir(root, { recursive: true });
    const names = await fs.readdir(root);
    if (!owns && !names.includes(STORE_MARK) && !(names.length === 0 || isEarlierStore(names))) throw foreignDir(root);
  } catch (err) {
    throw ioError('prepare', root, err);
  }
  await restoreLayout(fs, layout);
}

/**
 * Creates whatever is missing of the root, its mark and its folders (after someone removed
 * them while the store ran). The mark goes first: another process opening a fresh folder at
 * the same moment then never sees our folders without it.
 */
export async function restoreLayout(fs: StoreFs, layout: StoreLayout): Promise<void> {
  try {
    await fs.mkdir(layout.root, { recursive: true });
    await fs.createFile(layout.mark(), MARK_TEXT).catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    });
    await Promise.all(LAYOUT_DIRS.map((name) => fs.mkdir(layout.dir(name), { recursive: true })));
  } catch (err) {
    throw ioError('prepare', layout.root, err);
  }
}

function isEarlierStore(names: string[]): boolean {
  return names.length === LAYOUT_DIRS.length && LAYOUT_DIRS.every((name) => names.includes(name));
}

function foreignDir(root: string): StoreError {
  return new StoreError(
    'FOREIGN_DIR',
    `缓存目录不是空目录，也不是媒体缓存建立的（没有 ${STORE_MARK}），为免删除其中的文件而不使用它：${root} / ` +
      `the cache folder is not empty and was not made by the media cache (no ${STORE_MARK}); not using it, so none of its files can be deleted: ${root}`,
  );
}
