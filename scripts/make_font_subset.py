"""Make the GB2312 subset of Noto Sans SC shipped in static/fonts (OFL).

Usage: python scripts/make_font_subset.py gb2312 NotoSansSC_400Regular.ttf static/fonts/NotoSansSC-Regular-GB2312.ttf
The full font comes from the npm package @expo-google-fonts/noto-sans-sc.
"""
import sys
from fontTools import subset
def charset(enc):
    chars=set(chr(c) for c in range(0x20,0x7f)) | set(chr(c) for c in range(0xa0,0x180)) | set(chr(c) for c in range(0x2000,0x2070)) | set(chr(c) for c in range(0x2100,0x2200))
    for hi in range(0x81,0xff):
        for lo in range(0x40,0xff):
            try: chars.add(bytes([hi,lo]).decode(enc))
            except Exception: pass
    chars |= set("喆堃昇玥珺琇犇淼鑫燚焱垚赟旻昊晗祎祺禕瑄璟琦琰瑛瑾璐暐曈晟昕玟珏珣琬瑗璇瑶钰镕铖锴锟镛￥·—…“”‘’、。，：；！？（）《》【】")
    return chars
enc, src, dst = sys.argv[1:4]
text="".join(sorted(charset(enc)))
opts=subset.Options(); opts.layout_features=["*"]; opts.name_IDs=["*"]; opts.name_legacy=True; opts.name_languages=["*"]; opts.notdef_outline=True
f=subset.load_font(src,opts); s=subset.Subsetter(opts); s.populate(text=text); s.subset(f); subset.save_font(f,dst,opts)
print(enc, len(text))
